from django.apps import AppConfig
from django.db.models.signals import pre_save


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Site"

    def ready(self):
        from newsroom import checks  # noqa: F401 - registers the deployment checks
        from newsroom.signals import strip_xml_forbidden_characters

        # Every model, filtered inside: a sender list would miss models added later.
        pre_save.connect(strip_xml_forbidden_characters, dispatch_uid="newsroom-xml-safe-text")
