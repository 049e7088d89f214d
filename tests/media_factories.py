"""What media tests upload: a phone photo with its EXIF (orientation, GPS), sent as a
multipart upload."""

import io

from PIL import Image

ASSETS = "/v1/manage/assets"
GPS_PLACE = "Austin clinic car park"


def photo(size=(2000, 1000), format_="JPEG", mode="RGB", **save):
    """A photo as a phone takes it: EXIF with an orientation and a GPS position."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° to show it upright: it is taken sideways
    exif[0x010E] = GPS_PLACE  # ImageDescription
    exif[0x8825] = {1: "N", 2: (30.0, 16.0, 2.0), 3: "W", 4: (97.0, 44.0, 35.0)}
    out = io.BytesIO()
    Image.new(mode, size, "teal").save(out, format_, exif=exif, **save)
    return out.getvalue()


def upload(client, headers, data, name="photo.jpg", content_type="image/jpeg"):
    return client.post(
        ASSETS,
        data={"file": (io.BytesIO(data), name, content_type)},
        headers=headers,
        content_type="multipart/form-data",
    )
