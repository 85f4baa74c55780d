# The official Python SDK's README (openai-codex 0.163.0): API-key login.
from openai_codex import Codex

with Codex() as codex:
    codex.login_api_key("sk-...")
