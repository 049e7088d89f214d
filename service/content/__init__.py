"""The domain: the article document, Markdown, publishing, loading and delivery reads. No Flask here."""
