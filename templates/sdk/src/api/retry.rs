//! Retrying what the runtime refused because it was overloaded.
