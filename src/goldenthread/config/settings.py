"""Settings come from the environment, with loud errors for anything a deployment gets wrong.

GOLDENTHREAD_ENV selects the mode:
- ``embedded`` (default): one machine, SQLite under var/, plain HTTP on 127.0.0.1; a secret key is
  generated once into var/ so a fresh checkout runs with no configuration.
- ``production``: every secret and host must be given; HTTPS-only cookies and HSTS.
- ``test``: like embedded, but fast password hashing is never used: the suite exercises Argon2 as deployed.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from goldenthread.audit.signing import SigningKeyError, signing_key_new, signing_key_parse
from goldenthread.environment import EnvironmentValueError, env_bool, env_int
from goldenthread.linkage.agency_file import Limits
from goldenthread.policy import DEFAULT_PACK, list_packs
from goldenthread.private_files import private_file_write, private_files_tighten, private_umask

SRC_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = Path(os.environ.get("GOLDENTHREAD_HOME", SRC_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("GOLDENTHREAD_VAR_DIR", PROJECT_DIR / "var")).resolve()

MODES = ("embedded", "production", "test")
MODE = os.environ.get("GOLDENTHREAD_ENV", "embedded")
if MODE not in MODES:
    raise ImproperlyConfigured(f"GOLDENTHREAD_ENV must be one of {', '.join(MODES)}; got {MODE!r}")
PRODUCTION = MODE == "production"


def _policy_pack_checked(name: str) -> str:
    if name not in list_packs():
        raise ImproperlyConfigured(
            f"GOLDENTHREAD_POLICY_PACK must be one of {', '.join(list_packs())}; got {name!r}"
        )
    return name


def _env_bool(name: str, default: bool) -> bool:
    try:
        return env_bool(name, default)
    except EnvironmentValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None


def _env_int(name: str, default: int, *, minimum: int = 1, maximum: int | None = None) -> int:
    try:
        return env_int(name, default, minimum=minimum, maximum=maximum)
    except EnvironmentValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None


def _env_dates(name: str) -> tuple[date, ...]:
    raw = os.environ.get(name, "")
    days = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        try:
            days.append(date.fromisoformat(part))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated dates like 2026-12-24; {part!r} is not one"
            ) from None
    return tuple(sorted(set(days)))


def _env_clock(name: str, default: str) -> time:
    raw = os.environ.get(name, "") or default
    try:
        if len(raw) != 5:
            raise ValueError(raw)
        return time.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a time of day like 09:00; got {raw!r}") from None


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when GOLDENTHREAD_ENV=production")
    return value


def _embedded_key(name: str, make: Callable[[], str]) -> str:
    # A generated key kept beside the embedded database, so sessions survive restarts without any set-up.
    path = VAR_DIR / name
    if path.exists():
        return path.read_text().strip()
    key = make()
    try:
        private_file_write(path, key)
    except FileExistsError:  # another process started at the same moment and wrote it first
        return path.read_text().strip()
    return key


def _audit_signing_key() -> str:
    name = "GOLDENTHREAD_AUDIT_SIGNING_KEY"
    key = os.environ.get(name, "")
    if PRODUCTION and not key:
        raise ImproperlyConfigured(
            f"{name} must be set when GOLDENTHREAD_ENV=production "
            "(make one with `goldenthread audit new-key`)"
        )
    source = name
    if not key:
        key = _embedded_key("audit_signing_key", signing_key_new)
        source = str(VAR_DIR / "audit_signing_key")
    try:
        signing_key_parse(key)
    except SigningKeyError as exc:
        raise ImproperlyConfigured(f"{source} is not an Ed25519 private key: {exc}") from None
    return key


if MODE == "embedded":
    # The database, var/mail (live set-up links) and the keys are for the service's user alone, including
    # files an older release left readable by others.
    private_umask()
    private_files_tighten(VAR_DIR)

if PRODUCTION:
    SECRET_KEY = _required("GOLDENTHREAD_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("GOLDENTHREAD_SECRET_KEY must be at least 50 characters long")
    ALLOWED_HOSTS = [h.strip() for h in _required("GOLDENTHREAD_ALLOWED_HOSTS").split(",") if h.strip()]
    database_url = _required("DATABASE_URL")
else:
    SECRET_KEY = os.environ.get("GOLDENTHREAD_SECRET_KEY") or _embedded_key(
        "secret_key", lambda: secrets.token_urlsafe(50)
    )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'goldenthread.sqlite3'}"

# Private key signing the audit chain's published heads (base64 of 32 bytes; partners get the public half).
AUDIT_SIGNING_KEY = _audit_signing_key()

DEBUG = _env_bool("GOLDENTHREAD_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("GOLDENTHREAD_DEBUG must not be on in production")

try:
    _database = dj_database_url.parse(database_url, conn_max_age=60, conn_health_checks=True)
except ValueError as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database address Golden Thread can use: {exc}"
    ) from exc
if _database["ENGINE"] not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL or SQLite")
if _database["ENGINE"] == "django.db.backends.sqlite3":
    if _database["NAME"] != ":memory:":
        Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _database["CONN_MAX_AGE"] = 0
    # IMMEDIATE transactions serialise writers up front, so appending to the audit chain cannot race.
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    if _database["NAME"] != ":memory:":
        # A test database in a file, not in memory, so that a worker process can share it with the tests.
        _database["TEST"] = {"NAME": str(Path(_database["NAME"]).with_suffix(".test.sqlite3"))}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "goldenthread.background",
    "goldenthread.audit",
    "goldenthread.agencies",
    "goldenthread.accounts",
    "goldenthread.notifications",
    "goldenthread.people",
    "goldenthread.agreements",
    "goldenthread.sharing",
    "goldenthread.exchange",
    # After sharing and the exchange, so the card shows its decisions first and then the consent section.
    "goldenthread.consent",
    "goldenthread.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "goldenthread.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "goldenthread.web.session_middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "goldenthread.web.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "goldenthread.config.urls"
WSGI_APPLICATION = "goldenthread.config.wsgi.application"

# Every form is drawn the GOV.UK way through one renderer and one field template (core/forms.py).
FORM_RENDERER = "goldenthread.core.forms.GovukRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "goldenthread.web.context_processors.service",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"

# Sessions: 30 minutes idle (the cookie's age is renewed on every request) and 10 hours absolute,
# enforced by SessionPolicyMiddleware from the time of sign-in stored in the session.
SESSION_COOKIE_AGE = _env_int("GOLDENTHREAD_IDLE_TIMEOUT_SECONDS", 30 * 60, minimum=60, maximum=24 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
GOLDENTHREAD_ABSOLUTE_SESSION_SECONDS = _env_int(
    "GOLDENTHREAD_ABSOLUTE_TIMEOUT_SECONDS", 10 * 3600, minimum=60, maximum=7 * 24 * 3600
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Sign-in throttling: five failures lock the account, and separately the address, for 15 minutes, for a
# password alone: the account's holder passes the lock with the password and a current security code
# together (web.account_views.unlock), so guessers cannot lock anyone out who has set up the second factor.
AXES_FAILURE_LIMIT = _env_int("GOLDENTHREAD_SIGN_IN_FAILURE_LIMIT", 5, maximum=100)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Counters are reset for the username only after the second factor (web.account_views); axes' own reset at the
# password step would also clear the address's counter and let one known password unlock guessing.
AXES_RESET_ON_SUCCESS = False
# A failure during a lockout must not restart it, or one request every 15 minutes keeps a user locked out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "goldenthread.accounts.client_ip.client_ip"
# Behind N trusted proxies the client is the Nth address from the right of X-Forwarded-For.
GOLDENTHREAD_TRUSTED_PROXY_COUNT = _env_int("GOLDENTHREAD_TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=10)
AXES_LOCKOUT_CALLABLE = "goldenthread.web.account_views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Golden Thread"

# Security headers. The embedded mode serves plain HTTP on loopback, so only production insists on HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and _env_bool("GOLDENTHREAD_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
if PRODUCTION and GOLDENTHREAD_TRUSTED_PROXY_COUNT:
    # Only trust X-Forwarded-Proto when an operator says a TLS-terminating proxy sits in front.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("GOLDENTHREAD_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# Cards one user may open in an hour; reaching it refuses more and alerts their agency's IG officers.
CARD_VIEWS_PER_HOUR = _env_int("GOLDENTHREAD_CARD_VIEWS_PER_HOUR", 60, maximum=100_000)

# Unusual access beyond the hourly ceiling (people.AccessAlert; docs/architecture.md, "Unusual access").
# Cards opened of people the user's agency holds no record of and does not work with: recorded on each view,
# alerted once the user reaches this many different people within the window (MASH officers excepted).
OUTSIDE_NEED_OPENS = _env_int("GOLDENTHREAD_OUTSIDE_NEED_OPENS", 10)
OUTSIDE_NEED_WINDOW_HOURS = _env_int("GOLDENTHREAD_OUTSIDE_NEED_WINDOW_HOURS", 24)
# Cards opened outside the working day or on a non-working day, alerted only for agencies of these kinds.
# None by default: safeguarding runs round the clock (police, emergency duty teams, hospitals), and an alert
# on every night-time view would bury the IG officers; agencies that work office hours (schools, GP
# practices) are named here, e.g. "school,gp_practice".
AGENCY_KINDS = (
    "childrens_social_care",
    "police",
    "health_trust",
    "gp_practice",
    "school",
    "probation",
    "housing",
    "youth_justice",
    "voluntary_sector",
    "court",
    "prosecutor",
    "partnership",
    "other",
)
OUT_OF_HOURS_AGENCY_KINDS = tuple(
    k.strip() for k in os.environ.get("GOLDENTHREAD_OUT_OF_HOURS_AGENCY_KINDS", "").split(",") if k.strip()
)
for _kind in OUT_OF_HOURS_AGENCY_KINDS:
    if _kind not in AGENCY_KINDS:
        raise ImproperlyConfigured(
            f"GOLDENTHREAD_OUT_OF_HOURS_AGENCY_KINDS must be agency kinds from {', '.join(AGENCY_KINDS)}; "
            f"{_kind!r} is not one"
        )


def _env_hours(name: str, default: str) -> tuple[time, time]:
    raw = os.environ.get(name, "") or default
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", raw)
    try:
        if match is None:
            raise ValueError
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = time(h1, m1), time(h2, m2)
        if start >= end:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a start and an end of the day like 08:00-18:00; got {raw!r}"
        ) from None
    return start, end


# The working day, on working days (Monday to Friday but bank holidays and GOLDENTHREAD_EXTRA_CLOSURE_DAYS).
WORKING_HOURS = _env_hours("GOLDENTHREAD_WORKING_HOURS", "08:00-18:00")
# Cards opened in a day far above the user's peers (same agency, same role): more than VOLUME_FACTOR times
# their median and more than VOLUME_FLOOR, checked for the day before by `goldenthread access_volume`.
VOLUME_FACTOR = _env_int("GOLDENTHREAD_VOLUME_FACTOR", 3, minimum=2)
VOLUME_FLOOR = _env_int("GOLDENTHREAD_VOLUME_FLOOR", 20)

# Days the agencies are closed besides the bank holidays of England and Wales (core.worktime), such as
# a local closure between Christmas and New Year: no deadline falls and no working hour counts on them.
GOLDENTHREAD_EXTRA_CLOSURE_DAYS = _env_dates("GOLDENTHREAD_EXTRA_CLOSURE_DAYS")
# The working day (local time): the exchange's deadlines count only the hours between these.
GOLDENTHREAD_WORKING_DAY_START = _env_clock("GOLDENTHREAD_WORKING_DAY_START", "09:00")
GOLDENTHREAD_WORKING_DAY_END = _env_clock("GOLDENTHREAD_WORKING_DAY_END", "17:00")
if GOLDENTHREAD_WORKING_DAY_END <= GOLDENTHREAD_WORKING_DAY_START:
    raise ImproperlyConfigured(
        "GOLDENTHREAD_WORKING_DAY_END must be later than GOLDENTHREAD_WORKING_DAY_START; got "
        f"{GOLDENTHREAD_WORKING_DAY_START:%H:%M} to {GOLDENTHREAD_WORKING_DAY_END:%H:%M}"
    )

# The rule pack the partnership's decision guide follows (a name from `goldenthread policy show`'s packs).
# An environment variable, not a row an administrator edits: which edition of the law the service
# advises under is a release decision for the partnership, reviewed and deployed with the rest of the
# configuration, the same on every server, and checked here so that a wrong name stops the service
# starting instead of advising under a pack nobody chose. Every recommendation shows the pack and
# version it was made under, and an IG officer can compare the same answers on another pack.
GOLDENTHREAD_POLICY_PACK = _policy_pack_checked(
    os.environ.get("GOLDENTHREAD_POLICY_PACK", "").strip() or DEFAULT_PACK
)

# Set-up links (accounts.setup_tokens) last three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# Background work (docs/adr/0004-task-queue.md): a queue in the database that `goldenthread worker` runs.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A failing task is tried this many times in all, waiting TASK_RETRY_SECONDS, then twice that, and so on.
TASK_ATTEMPTS = _env_int("GOLDENTHREAD_TASK_ATTEMPTS", 3, maximum=100)
TASK_RETRY_SECONDS = _env_int("GOLDENTHREAD_TASK_RETRY_SECONDS", 30, minimum=0, maximum=3600)

# What one agency's file may hold (docs/import-format.md): GOLDENTHREAD_IMPORT_MAX_BYTES, _MAX_ROWS,
# _MAX_FIELD_CHARS, _MAX_DEPTH; read by the pure reader (linkage.agency_file), which `goldenthread link`
# shares.
try:
    IMPORT_LIMITS = Limits.from_environ()
except EnvironmentValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None
# An unfinished import nobody has worked on for this long is abandoned by `goldenthread housekeeping`.
IMPORT_IDLE_HOURS = _env_int("GOLDENTHREAD_IMPORT_IDLE_HOURS", 72, maximum=24 * 365)
if PRODUCTION:
    EMAIL_HOST = _required("GOLDENTHREAD_EMAIL_HOST")
    EMAIL_PORT = _env_int("GOLDENTHREAD_EMAIL_PORT", 587, maximum=65535)
    EMAIL_HOST_USER = os.environ.get("GOLDENTHREAD_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("GOLDENTHREAD_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("GOLDENTHREAD_EMAIL_TLS", True)
    DEFAULT_FROM_EMAIL = _required("GOLDENTHREAD_EMAIL_FROM")
else:
    # No mail server in embedded mode: messages are written as files a person can open.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
    DEFAULT_FROM_EMAIL = "golden-thread@localhost"

# Notifications by email (goldenthread.notifications.email): only "Something is waiting for you", the kind of
# event and a link, never personal data. "django" sends through the email backend above (files under var/mail
# outside production), "notify" through GOV.UK Notify, "off" sends none (in-app only for everyone).
NOTIFICATION_EMAIL = os.environ.get("GOLDENTHREAD_EMAIL", "django")
if NOTIFICATION_EMAIL not in ("django", "notify", "off"):
    raise ImproperlyConfigured(
        f"GOLDENTHREAD_EMAIL must be django, notify or off; got {NOTIFICATION_EMAIL!r}"
    )
# Whether a person who has not chosen is emailed. Off: in-app only until each person asks for email on their
# account page, because a work mailbox may be shared or read on a personal phone, which the person knows and
# the service does not; and an unread in-app notification is never lost, an unwanted email is noise.
NOTIFICATION_EMAIL_DEFAULT = _env_bool("GOLDENTHREAD_NOTIFICATION_EMAIL_DEFAULT", False)
# The address people reach the service at: an email's link is absolute.
BASE_URL = os.environ.get("GOLDENTHREAD_BASE_URL", "").strip().rstrip("/")
if not BASE_URL:
    if PRODUCTION and NOTIFICATION_EMAIL != "off":
        raise ImproperlyConfigured(
            "GOLDENTHREAD_BASE_URL must be set when GOLDENTHREAD_ENV=production and notifications are "
            "emailed (e.g. https://goldenthread.example.org), or set GOLDENTHREAD_EMAIL=off"
        )
    BASE_URL = "http://127.0.0.1:8000"
if not BASE_URL.startswith("https://" if PRODUCTION else ("https://", "http://")) or " " in BASE_URL:
    raise ImproperlyConfigured(
        f"GOLDENTHREAD_BASE_URL must be an address starting with https://"
        f"{'' if PRODUCTION else ' (or http:// outside production)'}; got {BASE_URL!r}"
    )
# GOV.UK Notify: an API key (the key's name, the service id and the secret, as Notify shows it) and an email
# template whose body uses the ((kind)) and ((link)) placeholders.
NOTIFY_API_KEY = os.environ.get("GOLDENTHREAD_NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_ID = os.environ.get("GOLDENTHREAD_NOTIFY_TEMPLATE_ID", "")
NOTIFY_BASE_URL = os.environ.get("GOLDENTHREAD_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
if NOTIFICATION_EMAIL == "notify":
    if not re.fullmatch(rf".+-{_UUID}-{_UUID}", NOTIFY_API_KEY):
        raise ImproperlyConfigured(
            "GOLDENTHREAD_NOTIFY_API_KEY must be a GOV.UK Notify API key (its name, then the service id and "
            "the secret key, as Notify shows it) when GOLDENTHREAD_EMAIL=notify"
        )
    if not re.fullmatch(_UUID, NOTIFY_TEMPLATE_ID):
        raise ImproperlyConfigured(
            "GOLDENTHREAD_NOTIFY_TEMPLATE_ID must be the id of a GOV.UK Notify email template "
            "when GOLDENTHREAD_EMAIL=notify"
        )
    if not NOTIFY_BASE_URL.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"GOLDENTHREAD_NOTIFY_BASE_URL must start with https://; got {NOTIFY_BASE_URL!r}"
        )

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    # WhiteNoise warns about a missing STATIC_ROOT even when it serves from the finders.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PROJECT_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files a storage keeps (and its folders) are for the service's user alone.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Information sharing agreements: attached PDFs (private files, named by their SHA-256), their size limit,
# and how many days before an agreement's review date its nominated officers are reminded.
AGREEMENT_DOCUMENTS_DIR = VAR_DIR / "agreement-documents"
AGREEMENT_DOCUMENT_MAX_BYTES = _env_int("GOLDENTHREAD_AGREEMENT_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
# A consent's signed document (PDF, PNG or JPEG), kept privately under its SHA-256.
CONSENT_DOCUMENTS_DIR = VAR_DIR / "consent-documents"
CONSENT_DOCUMENT_MAX_BYTES = _env_int("GOLDENTHREAD_CONSENT_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024)
AGREEMENT_REVIEW_REMINDER_DAYS = _env_int("GOLDENTHREAD_AGREEMENT_REVIEW_REMINDER_DAYS", 60)

# Outside production the assets are served straight from build/, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = False

LOG_LEVEL = os.environ.get("GOLDENTHREAD_LOG_LEVEL", "WARNING").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        f"GOLDENTHREAD_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL; got {LOG_LEVEL!r}"
    )
# No log line carries a query string (a search by GET holds a child's details there): core/log_filters.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query": {"()": "goldenthread.core.log_filters.DropQueryStrings"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_query"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "axes": {"level": "WARNING"},
        # The development server's request lines, through the same filter (it has a handler of its own).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

SERVICE_NAME = "Golden Thread"
