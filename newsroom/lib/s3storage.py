"""Media in S3 or an S3-compatible store, served as only images are: the object's type comes
from its name, never from what the uploader's browser claimed, and anything that is not one of
our image types is a download.

Object stores send only a few stored headers (Content-Type, Content-Disposition, Cache-Control
and the like); nosniff and the sandbox Content-Security-Policy that nginx adds to /media/ have
to come from the CDN in front of the bucket (docs/deployment.md). Kept apart from
newsroom/lib/storage.py so that a site with media on its own disk never imports boto3.
"""

import posixpath

from storages.backends.s3 import S3Storage

from newsroom.lib.images import INLINE_TYPES


class S3MediaStorage(S3Storage):
    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        _, extension = posixpath.splitext(name)
        content_type = INLINE_TYPES.get(extension.lstrip(".").lower())
        if content_type:
            parameters["ContentType"] = content_type
        else:
            parameters["ContentType"] = "application/octet-stream"
            parameters["ContentDisposition"] = "attachment"
        return parameters
