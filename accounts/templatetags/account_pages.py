from django import template

register = template.Library()


@register.filter
def duration_in_words(delta):
    """A timedelta as a reader would say it: "15 minutes", "1 hour", "2 hours 30 minutes"."""
    minutes = round(delta.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not parts:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
