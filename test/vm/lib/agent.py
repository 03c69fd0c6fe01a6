#!/usr/bin/python3
# The test VM's agent: runs commands for the host over a virtio-serial port.
#
# The host writes one JSON request per line:
#   {"id": 7, "argv": ["cat", "/proc/meminfo"], "input": "<base64>", "timeoutMs": 60000}
# and gets one JSON line back per request, in any order (each runs in a thread):
#   {"id": 7, "code": 0, "stdout": "<base64>", "stderr": "<base64>"}
# A command killed by signal N reports 128+N, a command that times out 124 (its
# whole process group is killed), one that cannot be started 127.
#
# A virtio port needs no network in the guest (the VM has none) and nothing on
# the host but a unix socket; the host may connect and disconnect at any time.
import base64
import json
import os
import signal
import subprocess
import threading
import time

PORT = '/dev/virtio-ports/org.confine.agent'
write_lock = threading.Lock()


def b64(data):
    return base64.b64encode(data).decode('ascii')


def send(fd, reply):
    data = (json.dumps(reply) + '\n').encode()
    with write_lock:
        while data:
            try:
                n = os.write(fd, data)
            except BlockingIOError:
                time.sleep(0.01)
                continue
            data = data[n:]


def run(fd, request):
    reply = {'id': request.get('id')}
    try:
        # The agent is exempt from the OOM killer (OOMScoreAdjust=-1000) so that
        # it outlives the memory scenarios; what it runs must not inherit that,
        # or a memory bomb it starts could never be killed and thrashes instead.
        child = subprocess.Popen(['choom', '-n', '0', '--', *request['argv']], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, start_new_session=True)
    except OSError as e:
        reply.update(code=127, stdout='', stderr=b64(f'agent: {e}\n'.encode()))
        send(fd, reply)
        return
    try:
        out, err = child.communicate(base64.b64decode(request.get('input') or ''),
                                     timeout=request.get('timeoutMs', 60000) / 1000)
        code = child.returncode if child.returncode >= 0 else 128 - child.returncode
    except subprocess.TimeoutExpired:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = child.communicate()
        err += f'\nagent: timed out after {request.get("timeoutMs")} ms\n'.encode()
        code = 124
    reply.update(code=code, stdout=b64(out), stderr=b64(err))
    send(fd, reply)


def main():
    while not os.path.exists(PORT):
        time.sleep(0.1)
    fd = os.open(PORT, os.O_RDWR)
    buffer = b''
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            # Nobody on the host end: a virtio port reads as EOF until someone is.
            time.sleep(0.1)
            continue
        buffer += chunk
        while b'\n' in buffer:
            line, buffer = buffer.split(b'\n', 1)
            if not line.strip():
                continue
            try:
                request = json.loads(line)
            except ValueError as e:
                send(fd, {'id': None, 'code': 127, 'stdout': '', 'stderr': b64(f'agent: bad request: {e}\n'.encode())})
                continue
            threading.Thread(target=run, args=(fd, request), daemon=True).start()


if __name__ == '__main__':
    main()
