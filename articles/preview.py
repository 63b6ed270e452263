from django.http import Http404


def preview(request, token):
    # Replaced by the editorial-admin work: signed, expiring preview links.
    raise Http404("Previews are not available yet")
