from procrastinate.contrib.django import app

from enquiries.models import Share
from enquiries.services import deliver_enquiry, deliver_share
from newsroom.lib.jobs import RETRY_WITH_BACK_OFF


@app.task(retry=RETRY_WITH_BACK_OFF)
def send_share(share_id):
    """Email a shared article to its recipients. A retry sends only to those not yet sent to."""
    share = Share.objects.filter(pk=share_id).first()
    if share is None:
        return {"sent": 0}
    return {"sent": deliver_share(share)}


@app.task(retry=RETRY_WITH_BACK_OFF)
def send_enquiry(enquiry_id):
    """Email an enquiry to the team that answers it, once."""
    return {"sent": deliver_enquiry(enquiry_id)}
