"""Settings shared by the stages, importable without loading any heavy library."""

ONTOLOGY_IRI = "https://w3id.org/kg-news/ontology"
DEFAULT_BASE = "https://w3id.org/kg-news/id/"
