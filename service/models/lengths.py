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
# A webhook's signing secret: "whsec_" and the base64 of 32 random bytes (50 characters); room
# for the longer ones made before Standard Webhooks signing.
SECRET_LENGTH = 80
# Ids are 32-bit on every database: a larger number names nothing.
MAX_ID = 2**31 - 1
HASH_LENGTH = 64  # a SHA-256, in hex: a document's content hash
# Where a review comment points: a field, a child ("faqs.<key>") or a child's field.
COMMENT_TARGET_LENGTH = 40 + 1 + KEY_LENGTH + 1 + 40
FINGERPRINT_LENGTH = 16  # a rule set's fingerprint (hex of its hash)
OVERRIDE_REASON_LENGTH = 2000  # why a reviewer let blocking findings through
DURATION_LENGTH = 40  # an ISO 8601 duration (PT45M, P2W, P1Y2M3DT4H5M6S)
