# The official Python SDK's README (openai-codex 0.163.0): device-code login.
from openai_codex import Codex

with Codex() as codex:
    login = codex.login_chatgpt_device_code()
    print(login.verification_url, login.user_code)
    login.wait()
