//! The blocking mirror of signing in and out, and of retrying.
