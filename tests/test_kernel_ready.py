"""A run's kernel client is made with the kernel and is ready when IOPub says so (runner._wait_for_ready)."""

import asyncio
from queue import Empty

import pytest

from nakit import runner


class _Channel:
    def __init__(self, messages=()):
        self.messages = list(messages)

    async def get_msg(self, timeout=None):
        if not self.messages:
            raise Empty
        return self.messages.pop(0)


def _reply(msg_id):
    return {"msg_type": "kernel_info_reply", "parent_header": {"msg_id": msg_id},
            "content": {"protocol_version": "5.3"}}


def _status(msg_id, state):
    return {"msg_type": "status", "parent_header": {"msg_id": msg_id}, "content": {"execution_state": state}}


class _Client:
    """A kernel client's side of the kernel_info handshake, scripted per request."""

    def __init__(self, shell=(), iopub=(), alive=True):
        self.shell_channel, self.iopub_channel = _Channel(shell), _Channel(iopub)
        self.alive, self.sent, self.handled = alive, [], []

    def kernel_info(self):
        self.sent.append(f"ki{len(self.sent) + 1}")
        return self.sent[-1]

    async def is_alive(self):
        return self.alive

    def _handle_kernel_info_reply(self, msg):
        self.handled.append(msg)


def test_ready_when_iopub_says_idle_for_the_request():
    client = _Client(shell=[_reply("ki1")],
                     iopub=[_status(None, "starting"), _status("ki1", "busy"), _status("ki1", "idle"),
                            _status("later", "busy")])
    asyncio.run(runner._wait_for_ready(client, timeout=5))
    assert client.sent == ["ki1"]
    assert client.handled == [_reply("ki1")]
    assert client.iopub_channel.messages == [_status("later", "busy")]  # read up to the request's end, no further


def test_replies_and_statuses_of_other_requests_are_passed_over():
    client = _Client(shell=[_reply("old"), _reply("ki1")],
                     iopub=[_status("old", "idle"), _status("ki1", "busy"), _status("ki1", "idle")])
    asyncio.run(runner._wait_for_ready(client, timeout=5))
    assert client.sent == ["ki1"] and client.handled == [_reply("ki1")]


def test_a_request_whose_iopub_status_never_comes_is_asked_again():
    """IOPub not yet subscribed when the first request's status went out: the second one's is seen."""

    class Again(_Client):
        def kernel_info(self):
            msg_id = super().kernel_info()
            self.shell_channel.messages.append(_reply(msg_id))
            if msg_id == "ki2":
                self.iopub_channel.messages += [_status("ki2", "busy"), _status("ki2", "idle")]
            return msg_id

    client = Again()
    asyncio.run(runner._wait_for_ready(client, timeout=5))
    assert client.sent == ["ki1", "ki2"]
    assert client.handled == [_reply("ki2")]


def test_a_missing_idle_is_asked_again_soon_after_the_reply():
    """The idle goes out with the reply: once the reply is in, IOPub is given IDLE_AFTER_REPLY
    seconds (not jupyter_client's 0.2 s) before the request is asked again."""
    waits = []

    class Timed(_Channel):
        async def get_msg(self, timeout=None):
            waits.append(timeout)
            return await super().get_msg(timeout)

    class Again(_Client):
        def kernel_info(self):
            msg_id = super().kernel_info()
            self.shell_channel.messages.append(_reply(msg_id))
            if msg_id == "ki2":
                self.iopub_channel.messages += [_status("ki2", "idle")]
            return msg_id

    client = Again()
    client.iopub_channel = Timed()
    asyncio.run(runner._wait_for_ready(client, timeout=5))
    assert client.sent == ["ki1", "ki2"]
    assert waits == [runner.IDLE_AFTER_REPLY] * 2 and runner.IDLE_AFTER_REPLY <= 0.05


def test_a_kernel_that_never_stops_publishing_times_out():
    """IOPub busy with other requests' messages for good: the timeout still ends the wait."""

    class Endless:
        async def get_msg(self, timeout=None):
            await asyncio.sleep(0.001)  # (yields: without the timeout check, wait_for below ends the test)
            return _status("other", "busy")

    class Chatty(_Client):
        def kernel_info(self):
            msg_id = super().kernel_info()
            self.shell_channel.messages.append(_reply(msg_id))
            return msg_id

    client = Chatty()
    client.iopub_channel = Endless()
    with pytest.raises(RuntimeError, match="didn't respond"):
        asyncio.run(asyncio.wait_for(runner._wait_for_ready(client, timeout=0.5), 10))


def test_a_dead_kernel_or_the_timeout_is_an_error():
    with pytest.raises(RuntimeError, match="died"):
        asyncio.run(runner._wait_for_ready(_Client(alive=False), timeout=5))
    with pytest.raises(RuntimeError, match="didn't respond in 0 seconds"):
        asyncio.run(runner._wait_for_ready(_Client(), timeout=0))


@pytest.mark.notebooks
def test_the_notebook_client_is_made_with_the_kernel_and_works(tmp_path):
    kernel = runner.Kernel(runner.kernel_name(), tmp_path, warm=False)
    try:
        client = kernel.km.client()  # what the notebook client asks for: the one made ahead
        assert client.wait_for_ready.func is runner._wait_for_ready
        assert kernel.km.client() is not client  # any further client is a new one
        # its channels, made later in its own context, try a kernel not yet listening again soon
        import zmq

        assert client.iopub_channel.socket.getsockopt(zmq.RECONNECT_IVL) == runner.RECONNECT_MS[0] == 10
        assert client.iopub_channel.socket.getsockopt(zmq.RECONNECT_IVL_MAX) == runner.RECONNECT_MS[1]

        async def run():
            client.start_channels()
            await client.wait_for_ready(timeout=60)
            msg_id = client.execute("6 * 7")
            while True:
                msg = await client.iopub_channel.get_msg(timeout=30)
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_result":
                    return msg["content"]["data"]["text/plain"]

        assert asyncio.run(run()) == "42"
    finally:
        kernel.shutdown(now=True)
