# sdk/examples/09_login.rs with the official Python SDK (openai-codex 0.163.0).
import os

from openai_codex import Codex

with Codex() as codex:
    codex.login_api_key(os.environ["OPENAI_API_KEY"])
    account = codex.account()
    print("signed in:", account.account)
    codex.logout()
    print("signed out:", codex.account().account is None)
