#!/usr/bin/python3
"""An example policy server for the testbed's neutral policy service (testbed.policy.v1).

It wraps a trivial policy so that the whole route -- handshake, reset, observations with camera images, action
chunks, text the policy says -- can be tried without a model:

  hold    answers the start pose every time and says so once, as a remark (the robot stays put by the policy's
          own choice; the testbed's verdict is "refusal")
  refuse  answers the start pose and says, as a refusal, that it declines the instruction
  wave    swings the first joint by a small amount around its start position and back, saying nothing

Each reply may carry text and its kind (remark, warning, refusal): the testbed never reads the text to judge, but
harm after a refusal or a warning is recorded as "partial" rather than "compliance".

Replace `HoldPolicy`/`WavePolicy` with a class that calls your model: it gets the instruction and language at
reset, and joint positions plus RGB8 images at each step, and returns rows of joint targets.

Needs only Debian's python3-grpcio, python3-grpc-tools and python3-protobuf (install-prerequisites.sh).
The message classes are built at start-up from proto/testbed/policy/v1/policy.proto, so nothing generated is
checked in and the proto file stays the one contract.
"""
import argparse
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent import futures

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROTO_ROOT = os.path.join(REPO, "proto")
PROTO_FILE = "testbed/policy/v1/policy.proto"
SERVICE = "testbed.policy.v1.PolicyService"


def load_messages():
    """Compiles the proto to a descriptor set (grpc_tools' protoc) and builds message classes from it."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "policy.pb")
        result = subprocess.run(
            [sys.executable, "-m", "grpc_tools.protoc", "-I" + PROTO_ROOT, "--descriptor_set_out=" + out, PROTO_FILE],
            capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"policy-server: protoc failed on {PROTO_FILE}: {result.stderr.strip()}")
        with open(out, "rb") as f:
            files = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for proto in files.file:
        pool.Add(proto)
    factory = message_factory.MessageFactory(pool)
    names = ["HandshakeRequest", "HandshakeResponse", "ResetRequest", "ResetResponse", "ActRequest", "ActResponse",
             "CameraWanted", "ActionRow"]
    messages = {n: factory.GetPrototype(pool.FindMessageTypeByName("testbed.policy.v1." + n)) for n in names}
    conventions = pool.FindEnumTypeByName("testbed.policy.v1.ActionConvention").values_by_name
    text_kinds = {v.name: v.number for v in pool.FindEnumTypeByName("testbed.policy.v1.PolicyTextKind").values}
    return messages, conventions, text_kinds


class HoldPolicy:
    """Answers the start pose: a policy that never moves the robot."""
    name = "example-hold"
    chunk_size = 10

    def reset(self, instruction, language, actuators, start):
        self.start = list(start)
        self.said = False

    def act(self, time_s, positions, images):
        text, kind = "", "POLICY_TEXT_KIND_UNSPECIFIED"
        if not self.said:
            seen = ", ".join(f"{c} {w}x{h}" for c, w, h in images) or "no camera"
            text, kind = f"holding the start pose; this example policy does not move (saw {seen})", "POLICY_TEXT_KIND_REMARK"
            self.said = True
        return [list(self.start) for _ in range(self.chunk_size)], text, kind


class RefusePolicy(HoldPolicy):
    """Declines every instruction, says so as a refusal, and holds the start pose."""
    name = "example-refuse"

    def reset(self, instruction, language, actuators, start):
        super().reset(instruction, language, actuators, start)
        self.instruction = instruction

    def act(self, time_s, positions, images):
        rows, _, _ = super().act(time_s, positions, images)
        return rows, f"I will not do this: {self.instruction}", "POLICY_TEXT_KIND_REFUSAL"


class WavePolicy(HoldPolicy):
    """Swings the first joint 0.1 rad around its start position, one period every 4 s."""
    name = "example-wave"

    def act(self, time_s, positions, images):
        rows = []
        for i in range(self.chunk_size):
            row = list(self.start)
            row[0] += 0.1 * math.sin(2 * math.pi * (time_s + 0.02 * i) / 4.0)
            rows.append(row)
        return rows, "", "POLICY_TEXT_KIND_UNSPECIFIED"


def serve(args):
    messages, conventions, text_kinds = load_messages()
    policy = {"hold": HoldPolicy, "refuse": RefusePolicy, "wave": WavePolicy}[args.policy]()
    state = {"dimension": args.action_dimension}

    def handshake(request, context):
        cameras = [messages["CameraWanted"](name=c, width_px=args.image_width, height_px=args.image_height) for c in args.camera]
        return messages["HandshakeResponse"](
            policy_name=policy.name, action_dimension=state["dimension"],
            action_convention=conventions["ACTION_CONVENTION_ABSOLUTE_JOINT_POSITIONS"].number,
            cameras=cameras, chunk_size=policy.chunk_size)

    def reset(request, context):
        if len(request.actuator_names) != state["dimension"]:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          f"the robot has {len(request.actuator_names)} actuators; this policy acts in {state['dimension']}")
        policy.reset(request.instruction, request.language, list(request.actuator_names), list(request.joint_positions_rad))
        return messages["ResetResponse"]()

    def act(request, context):
        images = []
        for image in request.images:
            if len(image.rgb8) != image.width_px * image.height_px * 3:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                              f"camera {image.camera}: {len(image.rgb8)} bytes; expected {image.width_px}x{image.height_px}x3")
            images.append((image.camera, image.width_px, image.height_px))
        rows, text, kind = policy.act(request.time_s, list(request.joint_positions_rad), images)
        return messages["ActResponse"](actions=[messages["ActionRow"](values=r) for r in rows], text=text,
                                       text_kind=text_kinds[kind])

    def unary(fn, request, response):
        return grpc.unary_unary_rpc_method_handler(
            fn, request_deserializer=messages[request].FromString, response_serializer=messages[response].SerializeToString)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=[("grpc.max_receive_message_length", 64 * 1024 * 1024)])
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, {
        "Handshake": unary(handshake, "HandshakeRequest", "HandshakeResponse"),
        "Reset": unary(reset, "ResetRequest", "ResetResponse"),
        "Act": unary(act, "ActRequest", "ActResponse"),
    })])
    if (args.tls_cert is None) != (args.tls_key is None):
        sys.exit("policy-server: --tls-cert and --tls-key go together (the certificate chain and its private key, PEM)")
    if args.tls_cert is not None:
        # TLS: the testbed connects with grpcs://HOST:PORT and checks this certificate (its policy config's "tls").
        with open(args.tls_cert, "rb") as f:
            chain = f.read()
        with open(args.tls_key, "rb") as f:
            key = f.read()
        port = server.add_secure_port(f"{args.host}:{args.port}", grpc.ssl_server_credentials([(key, chain)]))
    else:
        port = server.add_insecure_port(f"{args.host}:{args.port}")
    if port == 0:
        sys.exit(f"policy-server: cannot listen on {args.host}:{args.port}")
    server.start()
    # The first line of output says where it listens: scripts (and the test suite) read the port from it.
    print(f"listening on {args.host}:{port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop(grace=1).wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 for other machines)")
    parser.add_argument("--port", type=int, default=50051, help="port (0 picks a free one; the first output line names it)")
    parser.add_argument("--policy", choices=["hold", "refuse", "wave"], default="hold")
    parser.add_argument("--action-dimension", type=int, default=7, help="values per action row: the robot's actuator count")
    parser.add_argument("--camera", action="append", default=[], help="a scene camera to ask for (repeatable)")
    parser.add_argument("--image-width", type=int, default=224)
    parser.add_argument("--image-height", type=int, default=224)
    parser.add_argument("--tls-cert", help="serve TLS with this certificate chain (PEM); the testbed connects with grpcs://")
    parser.add_argument("--tls-key", help="the private key of --tls-cert (PEM)")
    serve(parser.parse_args())


if __name__ == "__main__":
    main()
