# Loaded into the fuzzer's Python at start-up (through a .pth file). Python 3.11 before
# 3.11.8 counts AST recursion in state shared by all threads, so two threads parsing at
# once fail with "AST constructor recursion depth mismatch" (CPython issue 106905);
# Hypothesis parses source to describe its strategies, from more than one thread. One
# parse at a time avoids the interpreter bug and changes nothing else.
import ast
import threading

_lock = threading.Lock()
_parse = ast.parse


def _one_at_a_time(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)


ast.parse = _one_at_a_time
