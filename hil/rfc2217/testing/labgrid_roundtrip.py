"""Test helper (run by hil/rfc2217/python.test.ts): labgrid (Debian python3-labgrid) without a
coordinator: a local environment file with a NetworkSerialPort (RFC 2217) and a SerialDriver;
write the request (hex), read COUNT reply bytes, print them as hex.
Usage: labgrid_roundtrip.py ENV_YAML REQUEST_HEX COUNT"""
import sys
from labgrid import Environment

env_file, request, count = sys.argv[1], bytes.fromhex(sys.argv[2]), int(sys.argv[3])
target = Environment(env_file).get_target('main')
driver = target.get_driver('SerialDriver')
try:
    driver.write(request)
    reply = b''
    while len(reply) < count:
        reply += driver.read(size=count - len(reply), timeout=5.0)
    print(reply.hex(' ').upper())
finally:
    target.deactivate(driver)
