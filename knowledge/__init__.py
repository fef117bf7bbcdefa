"""Curated, cited knowledge base about inflammatory myofibroblastic tumor (IMT)."""
