# sdk/examples/08_structured_output.rs with the official Python SDK (openai-codex 0.163.0).
from openai_codex import Codex
from pydantic import BaseModel


class Weather(BaseModel):
    city: str
    celsius: float
    conditions: list[str]
    warning: str | None


with Codex() as codex:
    thread = codex.thread_start()
    result = thread.run("What is the weather in Paris?", output_schema=Weather.model_json_schema())
    weather = Weather.model_validate_json(result.final_response)
    print(f"{weather.city}: {weather.celsius} °C, {', '.join(weather.conditions)}")
    if weather.warning:
        print(f"warning: {weather.warning}")
