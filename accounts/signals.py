from django.dispatch import Signal

# Sent by accounts.services.delete_account(user=...) inside the deletion's transaction, before
# the user row goes. Apps holding rows about the person connect a receiver (in their
# AppConfig.ready) that anonymises or ends them: comments keep their text under
# DELETED_ACCOUNT_NAME, subscriptions are cancelled. A receiver that raises stops the deletion.
account_deleting = Signal()
