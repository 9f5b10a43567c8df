"""Loader and schema problem codes (K0xx, K1xx): one code, one name, one
documented meaning.

These rules have no function: the loader and validation report them where
they read the files. Semantic checks (K2xx) live in :mod:`kamgen.checks`,
health findings (H1xx) in :mod:`kamgen.analytics.health`; :mod:`kamgen.rules`
joins all three lists into the one registry that ``kamgen codes`` and the
codes page list.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from kamgen.problems import Level
from kamgen.rule import Rule
from kamgen.rule import code as define

Code: TypeAlias = Rule[Any, Any]


# Files and YAML
READ_ERROR = define(
    "K001",
    "read-error",
    "The file cannot be read: permissions, a folder, a broken link, a symbolic link "
    "that leaves the project, or not a regular file (a device or a pipe, which would "
    "never end or hang).",
)
ENCODING = define(
    "K002", "encoding", "The file is not valid UTF-8. The position of the first bad byte is given."
)
YAML_SYNTAX = define(
    "K003",
    "yaml-syntax",
    "The YAML does not parse. Common slips are explained where they were made: a full-width "
    "colon `\uff1a` from a Chinese input method, a tab in the indentation, `: ` inside unquoted "
    "text (quote the text). Otherwise the position is where the parser gave up.",
)
FRONT_MATTER = define(
    "K004",
    "front-matter",
    "A Markdown account has no YAML front matter between two `---` lines at the top.",
)
DUPLICATE_KEY = define(
    "K005",
    "duplicate-key",
    "A mapping has the same key twice. YAML loaders silently keep only the last value, "
    "which loses what was written first; kamgen reports it instead.",
)
IMPLICIT_TYPE = define(
    "K006",
    "implicit-type",
    "An unquoted value that YAML 1.1 reads as something other than the text that was "
    "written: `no`/`on` become booleans, `1.10` becomes 1.1, `012` becomes 10, "
    "`2024-05-01` becomes a date. Quote it where text is meant; where the quoted text would "
    "not be valid either (`influence: 5`), the value is reported with the allowed ones instead.",
)
FILE_NAME = define(
    "K007",
    "file-name",
    "An account's id is its file name, which must be a lowercase slug "
    "(a-z, 0-9 and single hyphens) ending in .yaml, .yml or .md.",
)
DUPLICATE_ACCOUNT = define(
    "K008",
    "duplicate-account",
    "Two files give the same account id (for example `acme.yaml` and `acme.md`).",
)
NOT_A_MAPPING = define("K009", "not-a-mapping", "The document is empty or is not a mapping of fields.")
TOO_LARGE = define(
    "K010",
    "too-large",
    "The file is larger than `limits.file_bytes` (1 MiB by default), or the document "
    "expands past the size limit or contains a recursive alias, as a YAML 'billion "
    "laughs' does. Nothing past the limit is read.",
)
NO_ACCOUNTS = define(
    "K011",
    "no-accounts",
    "No account files were found where accounts were expected.",
    Level.WARNING,
)
NO_SETTINGS = define(
    "K012",
    "no-settings",
    "The settings file is missing; kamgen needs it for team ids and thresholds.",
)
SITE_DIR = define(
    "K013",
    "site-dir",
    "The output folder given to `kamgen build` would be replaced by the build but must not be: "
    "it is the project folder or above it, lies inside accounts/, docs/, templates/ or .git, "
    "holds account files, kamgen.yml or .git, is a file, or is a non-empty folder that kamgen "
    "did not build (kamgen marks its builds with a `.kamgen-site` file).",
)
TEMPLATE_ERROR = define(
    "K014",
    "template-error",
    "A page template failed to render, most often a user's override in templates/. "
    "The position is the template's file and line; nothing is built.",
)
TOO_MANY_PROBLEMS = define(
    "K015",
    "too-many-problems",
    "A file has more problems than `limits.problems_per_file` (200 by default); the first "
    "ones are listed and one line counts the rest. Fix those listed and run again.",
)
INIT_EXISTS = define(
    "K016",
    "init-exists",
    "`kamgen init` found a file it would write already there. It never overwrites: "
    "move the file away or start in an empty folder.",
)
GIT = define(
    "K017",
    "git",
    "`kamgen diff` or `validate --changed-since` needs Git and cannot get it: `git` is not "
    "installed, the project is not in a Git repository, a revision is unknown, or a shallow "
    "clone lacks the history (fetch it: `git fetch --unshallow`, or `fetch-depth: 0` in CI).",
)
NEW_REFUSED = define(
    "K018",
    "new-refused",
    "`kamgen new` changed nothing: the account file or the item's id exists already, the id "
    "is not valid, the account is unknown, its file has errors to fix first, or the file with "
    "the new item would not validate (its problems follow). It never overwrites and never "
    "leaves a file half written.",
)
COMMITTED_WORK_DIR = define(
    "K019",
    "committed-cache",
    "Files in `.kamgen/` are committed to Git. That folder holds caches, which a pull request "
    "could use to hide problems from `kamgen validate` or to put invented history on the site, "
    "so kamgen reads no cache while any file there is tracked. Remove them from Git with "
    "`git rm -r --cached .kamgen` (the folder is git-ignored).",
    Level.WARNING,
)

# Schema
UNKNOWN_FIELD = define(
    "K101",
    "unknown-field",
    "A field that the schema does not know, usually a typo. A close match is suggested.",
)
MISSING_FIELD = define("K102", "missing-field", "A required field is missing or empty.")
WRONG_TYPE = define(
    "K103",
    "wrong-type",
    "A value has the wrong type, for example text where a list or a number is expected. "
    "A number with thousands separators (`2,900,000`) is text to YAML: write 2900000.",
)
ENUM_VALUE = define(
    "K104",
    "enum-value",
    "A value is not one of the allowed values, which are listed with the nearest one. On a "
    "site in another language the values may also be written in it (see README).",
)
INVALID_DATE = define("K105", "invalid-date", "A date is not a real calendar date in the form YYYY-MM-DD.")
INVALID_VALUE = define(
    "K106",
    "invalid-value",
    "A value breaks a constraint: an id that is not a slug, a number out of range, an empty list.",
)

FILE_CODES: tuple[Code, ...] = (
    READ_ERROR,
    ENCODING,
    YAML_SYNTAX,
    FRONT_MATTER,
    DUPLICATE_KEY,
    IMPLICIT_TYPE,
    FILE_NAME,
    DUPLICATE_ACCOUNT,
    NOT_A_MAPPING,
    TOO_LARGE,
    NO_ACCOUNTS,
    NO_SETTINGS,
    SITE_DIR,
    TEMPLATE_ERROR,
    TOO_MANY_PROBLEMS,
    INIT_EXISTS,
    GIT,
    NEW_REFUSED,
    COMMITTED_WORK_DIR,
    UNKNOWN_FIELD,
    MISSING_FIELD,
    WRONG_TYPE,
    ENUM_VALUE,
    INVALID_DATE,
    INVALID_VALUE,
)
