# The official Python SDK's README (openai-codex 0.163.0): ChatGPT browser login.
from openai_codex import Codex

with Codex() as codex:
    login = codex.login_chatgpt()
    print(login.auth_url)
    print(login.wait().success)
