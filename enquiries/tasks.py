from enquiries.models import Share
from enquiries.services import deliver_enquiry, deliver_share
from newsroom.lib.tasks import retrying_task


@retrying_task()
def send_share(share_id):
    """Email a shared article to its recipients. A retry sends only to those not yet sent to."""
    share = Share.objects.filter(pk=share_id).first()
    if share is None:
        return {"sent": 0}
    return {"sent": deliver_share(share)}


@retrying_task()
def send_enquiry(enquiry_id):
    """Email an enquiry to the team that answers it, once."""
    return {"sent": deliver_enquiry(enquiry_id)}
