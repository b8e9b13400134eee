"""The domain operations, on plain values: no request, no response, no form.

One module per aggregate; api/, views/, cli.py and the job tasks are thin adapters that
parse input, call one service function and shape its result. The rules every service
keeps are in docs/architecture.md ("Services").
"""
