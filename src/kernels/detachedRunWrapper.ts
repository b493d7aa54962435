// The cell a detached run sends to its kernel: a small Python wrapper that runs the user's code with exec (so its
// tracebacks show the user's own lines) and tees what it prints into a log on the server, which outlives every client.
// The format it writes is read by detachedRunLog.ts; keep the two in step (RUN_FORMAT_VERSION).

/** Written into status.json; a reader refuses a status of another version instead of misreading it. */
export const RUN_FORMAT_VERSION = 1;

export interface DetachedRunLimits {
  /** Bytes per log segment: a follower re-reads at most this much of a growing log per poll. */
  segmentBytes: number;
  /** Log bytes kept per run: output beyond is dropped after a marker line (counted in status.json's dropped_bytes); a failed run's traceback is kept even so. */
  maxBytes: number;
  /** Runs whose status.json was last written this many days ago are deleted when a new run starts. */
  keepDays: number;
}

export const DEFAULT_RUN_LIMITS: DetachedRunLimits = { segmentBytes: 256 * 1024, maxBytes: 16 * 1024 * 1024, keepDays: 7 };

export interface DetachedRunCellArgs {
  id: string;
  kernelId: string;
  /** The runs folder, relative to the kernel's working folder (the server's root: the kernel is started with path ''). */
  folder: string;
  code: string;
  limits?: DetachedRunLimits;
}

/** The Python source of the cell; every argument travels as base64 JSON, so no text of the user's can break out of it. */
export function detachedRunCell(args: DetachedRunCellArgs): string {
  const limits = args.limits ?? DEFAULT_RUN_LIMITS;
  const payload = Buffer.from(JSON.stringify({
    id: args.id, kernel_id: args.kernelId, folder: args.folder, code: args.code, version: RUN_FORMAT_VERSION,
    segment_bytes: limits.segmentBytes, max_bytes: limits.maxBytes, keep_days: limits.keepDays,
  }), 'utf8').toString('base64');
  return `${WRAPPER}\ntry:\n    _pangeo_detached_run('${payload}')\nfinally:\n    del _pangeo_detached_run\n`;
}

// Records: one JSON object per line, ASCII only ({"s": "o"|"e"|"r", "x": text}): a reader can stop at any byte and
// resume at the last newline. Segments output-00000.jsonl, output-00001.jsonl, ... of at most segment_bytes each.
// status.json is replaced atomically (write + rename) at the start, every 2 s while output changes, at least every
// 60 s (a heartbeat), and at the end, after the last record was written: a final status means the log is complete.
const WRAPPER = String.raw`def _pangeo_detached_run(_args):
    import ast, base64, datetime, json, linecache, os, shutil, sys, threading, time, traceback
    a = json.loads(base64.b64decode(_args).decode('utf-8'))
    run_id, code = a['id'], a['code']
    runs = os.path.abspath(a['folder'])
    folder = os.path.join(runs, run_id)
    os.makedirs(folder, exist_ok=True)

    def now():
        return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')

    first = [l.strip() for l in code.splitlines() if l.strip()]
    status = {'version': a['version'], 'id': run_id, 'kernel_id': a['kernel_id'], 'state': 'running', 'started': now(),
              'ended': None, 'updated': None, 'code': (first[0] if first else '')[:120], 'last_output': '', 'error': None,
              'log_bytes': 0, 'dropped_bytes': 0, 'segments': 0, 'pid': os.getpid(), 'kernel_session': None}
    try:
        # The session id this kernel process signs its messages with: a reader asks the kernel id for it, and a kernel
        # the server restarted after this process died answers with another (detachedRuns.ts, runView).
        status['kernel_session'] = get_ipython().kernel.session.session
    except Exception:
        pass
    lock = threading.RLock()

    def write_status():
        with lock:
            status['updated'] = now()
            tmp = os.path.join(folder, 'status.json.tmp')
            with open(tmp, 'w', encoding='ascii') as f:
                json.dump(status, f, ensure_ascii=True)
            os.replace(tmp, os.path.join(folder, 'status.json'))

    class Log:
        def __init__(self):
            self.kind, self.parts, self.chars = None, [], 0
            self.file, self.seg_size, self.closed, self.dirty, self.capped = None, 0, False, False, False

        def add(self, kind, text):
            if not isinstance(text, str) or not text:
                return
            with lock:
                if self.closed:
                    return
                if self.kind is not None and self.kind != kind:
                    self.flush()
                self.kind = kind
                self.parts.append(text)
                self.chars += len(text)
                if '\n' in text or '\r' in text or self.chars >= 8192:
                    self.flush()

        def flush(self):
            with lock:
                if not self.parts:
                    return
                text, kind = ''.join(self.parts), self.kind
                self.kind, self.parts, self.chars, self.dirty = None, [], 0, True
                tail = [p.strip() for p in text.replace('\r', '\n').split('\n') if p.strip()]
                if tail:
                    status['last_output'] = tail[-1][:200]
                for i in range(0, len(text), 65536):
                    self.record(kind, text[i:i + 65536])

        def record(self, kind, text, beyond_cap=False):
            line = (json.dumps({'s': kind, 'x': text}, ensure_ascii=True) + '\n').encode('ascii')
            if not beyond_cap and (self.capped or status['log_bytes'] + len(line) > a['max_bytes']):
                status['dropped_bytes'] += len(text.encode('utf-8', 'replace'))
                if not self.capped:
                    self.capped = True
                    self.record('e', '\n[pangeo-compute: the run printed more than its log keeps (%d bytes); '
                                'the rest of its output is not kept]\n' % a['max_bytes'], True)
                return
            if self.file is None or (self.seg_size and self.seg_size + len(line) > a['segment_bytes']):
                if self.file is not None:
                    self.file.close()
                self.file = open(os.path.join(folder, 'output-%05d.jsonl' % status['segments']), 'ab')
                status['segments'] += 1
                self.seg_size = 0
            self.file.write(line)
            self.file.flush()
            self.seg_size += len(line)
            status['log_bytes'] += len(line)

        def close(self):
            with lock:
                self.flush()
                self.closed = True
                if self.file is not None:
                    self.file.close()

    log = Log()

    class Tee:
        def __init__(self, inner, kind):
            self._inner, self._kind = inner, kind

        def write(self, text):
            n = self._inner.write(text)
            log.add(self._kind, text)
            return n

        def writelines(self, lines):
            for line in lines:
                self.write(line)

        def flush(self):
            self._inner.flush()
            log.flush()

        def __getattr__(self, name):
            return getattr(self._inner, name)

    stop = threading.Event()

    def tick():
        last = time.monotonic()
        while not stop.wait(0.5):
            try:
                with lock:
                    log.flush()
                    if (log.dirty and time.monotonic() - last >= 2) or time.monotonic() - last >= 60:
                        log.dirty = False
                        last = time.monotonic()
                        write_status()
            except Exception:
                pass

    def prune():
        cutoff = time.time() - a['keep_days'] * 86400
        for name in os.listdir(runs):
            try:
                if name != run_id and os.path.getmtime(os.path.join(runs, name, 'status.json')) < cutoff:
                    shutil.rmtree(os.path.join(runs, name))
            except Exception:
                pass

    get_ipython_ = globals().get('get_ipython')
    ip = get_ipython_() if get_ipython_ else None
    ns = ip.user_ns if ip is not None else {'__name__': '__main__'}
    pub = getattr(ip, 'display_pub', None)

    def text_of(value):
        try:
            data = ip.display_formatter.format(value)[0]
            if isinstance(data.get('text/plain'), str):
                return data['text/plain']
        except Exception:
            pass
        return repr(value)

    def publish(data, *args, **kwargs):
        if isinstance(data, dict) and isinstance(data.get('text/plain'), str):
            log.add('r', data['text/plain'] + '\n')
        return type(pub).publish(pub, data, *args, **kwargs)

    filename = '<pangeo-compute run %s>' % run_id
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    write_status()
    prune()
    ticker = threading.Thread(target=tick, name='pangeo-run-log', daemon=True)
    ticker.start()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Tee(saved[0], 'o'), Tee(saved[1], 'e')
    if pub is not None:
        pub.publish = publish
    failure = None
    try:
        tree = ast.parse(code, filename)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, filename, 'exec'), ns)
        if last is not None:
            value = eval(compile(last, filename, 'eval'), ns)
            if value is not None:
                log.add('r', text_of(value) + '\n')
    except SystemExit as e:
        if e.code not in (None, 0):
            failure = e
    except BaseException as e:
        failure = e
    finally:
        sys.stdout, sys.stderr = saved
        if pub is not None and 'publish' in vars(pub):
            del pub.publish
    try:
        if failure is not None:
            tb = failure.__traceback__
            while tb is not None and tb.tb_frame.f_code.co_filename != filename:
                tb = tb.tb_next
            with lock:
                # Past the cap too: the traceback is what a failed run's reader needs most.
                log.flush()
                log.record('e', ''.join(traceback.format_exception(type(failure), failure, tb))[-65536:], True)
            status['error'] = {'ename': type(failure).__name__, 'evalue': str(failure)[:2000]}
    finally:
        stop.set()
        ticker.join()
        log.close()
        status['state'] = 'ok' if failure is None else 'interrupted' if isinstance(failure, KeyboardInterrupt) else 'error'
        status['ended'] = now()
        write_status()
`;
