"""The domain: the article document, Markdown, publishing, loading and delivery reads. No Flask here.

Each editorial act is one function that does the whole act: claim the article's version,
check, write, queue the webhooks (the outbox rows), and log it for the Actor its caller
names. publishing: publish_article, unpublish_article, restore_revision; editing:
create_article, change_draft (given an Edit), delete_article; scheduling: schedule,
cancel_schedule; loading: import_articles, seed_articles; experiments: create_experiment,
change_experiment, transition, roll_out; sites: create_site, replace_site, delete_site;
site_overlays: save_overlay, restore_overlay, submit_overlay, publish_overlay; reviews:
submit_for_review, approve_review, request_changes; keys: issue_key, revoke_key. The HTTP
views, the schedule runner, `flask seed` and the importer call them and none of the steps
beneath.

Transactions: an act works in its caller's transaction and flushes, but never commits; its
caller commits once the act is done (a view, a command), or rolls back. The runners that make
many acts in a row (apply_due_schedules, send_due) commit once per item.
"""
