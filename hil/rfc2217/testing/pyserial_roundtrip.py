"""Test helper (run by hil/rfc2217/python.test.ts): open URL with pyserial's rfc2217:// client
(Debian python3-serial), write the request (hex), read COUNT reply bytes, print them as hex.
Usage: pyserial_roundtrip.py URL REQUEST_HEX COUNT"""
import sys
import serial

url, request, count = sys.argv[1], bytes.fromhex(sys.argv[2]), int(sys.argv[3])
port = serial.serial_for_url(url, baudrate=9600, bytesize=8, parity='N', stopbits=1, timeout=5)
try:
    port.write(request)
    reply = b''
    while len(reply) < count:
        chunk = port.read(count - len(reply))
        if not chunk:
            sys.exit('pyserial: no reply within 5 s (got %r)' % reply)
        reply += chunk
    print(reply.hex(' ').upper())
finally:
    port.close()
