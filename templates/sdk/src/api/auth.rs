//! Signing in and out: API keys, ChatGPT (browser and device code), the account, the models.
