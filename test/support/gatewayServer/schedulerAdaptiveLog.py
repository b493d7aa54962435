# The scheduler side of the Dask Gateway stand-in (gatewayServer.ts): logs each change of adaptive scaling exactly as
# dask_gateway/scheduler_preload.py (2026.3.0) does -- logger "dask_gateway.scheduler_preload" whose parent is the
# scheduler's logger, so the lines appear in the scheduler's own log (/info/main/logs.html) -- when the stand-in,
# which runs adaptive scaling itself, says it changed. Its route is POST-only and the stand-in proxies dashboards for
# GET only, so no client of the stand-in reaches it.
import json
import logging

from distributed.scheduler import logger as scheduler_logger
from tornado import web

logger = logging.getLogger("dask_gateway.scheduler_preload")
logger.setLevel(logging.INFO)
logger.propagate = True
logger.parent = scheduler_logger


class AdaptiveLog(web.RequestHandler):
    def check_xsrf_cookie(self):
        pass

    def post(self):
        msg = json.loads(self.request.body)
        # GatewaySchedulerService.adapt: the same two sentences, %r of the bounds (None or an int).
        if msg["active"]:
            logger.info("Enabling adaptive scaling, minimum=%r, maximum=%r", msg["minimum"], msg["maximum"])
        else:
            logger.info("Disabling adaptive scaling")
        self.set_status(204)


def dask_setup(scheduler):
    scheduler.http_application.add_handlers(r".*", [(r"/.*stand-in-adaptive-log", AdaptiveLog)])
