"""A local Microsoft Graph v1.0 emulator for tests and local runs.

    runner, base_url = await start_emulator(seed="demo")   # http://127.0.0.1:<port>/v1.0
"""

from graph.emulator.app import create_emulator_app, start_emulator

__all__ = ["create_emulator_app", "start_emulator"]
