# A stand-in for jupyter-server-proxy's launch (not installable here), loaded into the test hub's single-user server:
# POST {base_url}pangeo-test-launch {"argv": [...], "env": {...}, "output": "<file>"} starts argv as a child process of
# this server, with os.environ plus "env", the way simpervisor starts jupyter-server-proxy's children, and answers
# {"pid": <child pid>, "serverPid": <this server's pid>}. Authenticated like every API of the server (its hub token).
import asyncio
import json
import os

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

# Children are kept so asyncio reaps them when they exit.
_children = []


class LaunchHandler(APIHandler):
    @web.authenticated
    async def post(self):
        body = json.loads(self.request.body)
        argv = [str(a) for a in body['argv']]
        env = {**os.environ, **{str(k): str(v) for k, v in body.get('env', {}).items()}}
        with open(body['output'], 'ab') as out:
            # Its own session, so the harness can end code-server and its extension host together; still our child.
            proc = await asyncio.create_subprocess_exec(
                *argv, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True
            )
        _children.append(proc)
        self.finish(json.dumps({'pid': proc.pid, 'serverPid': os.getpid()}))


def _jupyter_server_extension_points():
    return [{'module': 'pangeo_test_launcher'}]


def _load_jupyter_server_extension(serverapp):
    base = serverapp.web_app.settings['base_url']
    serverapp.web_app.add_handlers('.*$', [(url_path_join(base, 'pangeo-test-launch'), LaunchHandler)])
