# Given to the test hub's single-user servers (--config): loads the launcher next to this file (pangeo_test_launcher.py).
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
c = get_config()  # noqa
c.ServerApp.jpserver_extensions = {'pangeo_test_launcher': True}
