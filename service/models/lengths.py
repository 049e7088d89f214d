"""Column lengths, shared by the models and by the schemas that validate what goes in them,
so that what an input schema accepts always fits its column."""

KEY_LENGTH = 100  # slug-like keys: sites, experiments, variants, children, event names
NAME_LENGTH = 200  # what people read as a name: sites, variants, webhook descriptions
API_KEY_NAME_LENGTH = 100  # who an API key is for
# How history names who acted: "<key name> (<key prefix>)", or a command's name.
ACTOR_LENGTH = API_KEY_NAME_LENGTH + len(" (cms_12345678)")
SLUG_LENGTH = 200
LOCALE_LENGTH = 35  # BCP 47 tags with extensions
TITLE_LENGTH = 300
TAG_LENGTH = 64
EVENT_ID_LENGTH = 100  # a frontend's id of one event (a UUID fits with room to spare)
VISITOR_LENGTH = 200  # a frontend's stable visitor id
STATUS_LENGTH = 20  # a status, kind, action or role (a StrEnum value)
FINGERPRINT_LENGTH = 16  # a rule set's fingerprint (hex of its hash)
OVERRIDE_REASON_LENGTH = 2000  # why a reviewer let blocking findings through
