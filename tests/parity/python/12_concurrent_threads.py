# sdk/examples/12_concurrent_threads.rs with the official Python SDK (openai-codex 0.163.0).
import asyncio

from openai_codex import AsyncCodex


async def main():
    async with AsyncCodex() as codex:

        async def ask(question):
            thread = await codex.thread_start()
            result = await thread.run(f"Answer for {question}")
            return question, result.final_response

        answers = await asyncio.gather(*(ask(q) for q in ["alpha", "beta", "gamma", "delta"]))
        for question, answer in answers:
            print(f"{question}: {answer}")


asyncio.run(main())
