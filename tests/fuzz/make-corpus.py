#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes the seed corpora of the binary fuzz targets from the unit tests' fixtures.
#
#   tests/fuzz/make-corpus.py    rewrites tests/fuzz/corpus/{dmtext,ipc,vpd,referrals,iscsi-nl,sense}
#
# Byte arrays are read from tests/unit/test-*.c by name, so the seeds are the same real pages
# and tables the unit tests check; the text seeds are copied from test-dmtable.c. The config
# corpus is hand-written and left alone.
import os
import re
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT = os.path.join(HERE, '..', 'unit')


def c_array(test, name):
    """The bytes of `static const uint8_t NAME[] = { ... };` in tests/unit/TEST."""
    with open(os.path.join(UNIT, test)) as f:
        src = f.read()
    m = re.search(r'static const uint8_t ' + re.escape(name) + r'\[\] = \{(.*?)\};', src, re.S)
    if not m:
        sys.exit(f'{test}: no array {name}')
    body = re.sub(r'/\*.*?\*/', '', m.group(1), flags=re.S)
    out = bytearray()
    for tok in (t.strip() for t in body.split(',')):
        if not tok:
            continue
        out.append(ord(tok[1:-1].encode().decode('unicode_escape')) if tok[0] == "'" else int(tok, 0))
    return bytes(out)


def write(target, seeds):
    folder = os.path.join(HERE, 'corpus', target)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for name, data in seeds.items():
        with open(os.path.join(folder, name), 'wb') as f:
            f.write(data.encode() if isinstance(data, str) else data)


def dmtext():
    return {
        'table-two-groups': '1 queue_if_no_path 0 2 1 round-robin 0 1 1 8:16 1 round-robin 0 1 1 8:32 1',
        'table-rdac-bio': '5 queue_if_no_path pg_init_retries 50 queue_mode bio 2 rdac 7 1 1 '
                          'round-robin 0 1 1 8:16 1',
        'table-service-time': '2 pg_init_delay_msecs 2000 3 emc 1 0 3 3 service-time 0 1 2 8:16 1 1 '
                              'service-time 0 1 2 8:32 1 1 service-time 0 1 2 8:48 1 1',
        'table-hst': '0 0 1 1 historical-service-time 2 972 0 2 1 8:16 0 8:32 0 ',
        'table-io-affinity': '0 0 1 1 io-affinity 0 2 1 8:16 0F 8:32 1,00000000',
        'table-empty': '0 0 0 0',
        'status-round-robin': '2 0 0 0 2 1 A 0 2 0 8:16 A 0 8:32 F 3 E 0 1 0 8:48 A 1 ',
        'status-service-time': '2 1 3 0 2 2 E 0 2 2 8:16 A 0 0 1 8:32 F 1 0 1 D 0 1 2 8:48 F 2 4096 1 ',
        'status-hst': '2 0 0 0 1 1 A 2 972 0 2 3 8:16 A 0 1024 0 0 8:32 A 0 2048 1 77',
        'switch-message': 'set_region_mappings 0:0 :1 :2 R3,3 :1',
        'switch-message-repeat': 'set_region_mappings 1000:1 :2 R2,10',
        # fuzz_switch_builder(): 4 paths, 40-byte messages, 16 regions wanted then 16 current
        'switch-map': bytes([3, 16]) + bytes(i % 3 for i in range(16)) + bytes(16),
    }


def le32(v):
    return struct.pack('<I', v & 0xffffffff)


def frame(payload):
    return le32(len(payload)) + payload


def reply(status, body):
    return frame(le32(status) + body)


def ipc():
    # byte 0: bytes per write - 1; then what the peer sends
    return {
        'request': bytes([255]) + frame(b'show paths'),
        'requests-pipelined': bytes([2]) + frame(b'show maps --json') + frame(b'fail path sdb'),
        'request-cut': bytes([0]) + frame(b'reinstate path sdc')[:12],
        'request-oversize': bytes([3]) + le32(64 * 1024 + 1) + b'x' * 8,
        'request-empty': bytes([0]) + frame(b''),
        'reply-ok': bytes([255]) + reply(0, b'mpatha (36001405c2a1bd5e7f0b4c3e9b1a5d6e7) dm-0'),
        'reply-enoent': bytes([7]) + reply(-2, b'no such map'),
    }


def vpd():
    seeds = {name: c_array('test-vpd.c', name) for name in (
        'lio_vpd83', 'scsi_debug_vpd83', 'eql_vpd83', 'eui64_vpd83', 't10_vpd83',
        'lio_inquiry', 'ata_inquiry', 'ata_vpd80', 'emc')}
    seeds['lio_vpd_b3'] = c_array('test-referrals.c', 'lio_vpd_b3')
    return seeds


def referrals():
    # 8 bytes: segment size and multiplier as VPD 0xB3 carries them; then the data
    eql = c_array('test-referrals.c', 'eql_referrals')
    lio_b3 = c_array('test-referrals.c', 'lio_vpd_b3')
    return {
        'eql': bytes(8) + eql,
        'eql-lio-period': lio_b3[8:16] + eql,
        'eql-multiplier': c_array('test-referrals.c', 'mult')[8:16] + eql,
        'standby-only': bytes(8) + c_array('test-referrals.c', 'standby_only'),
        'empty': bytes(8) + bytes(4),
    }


def nlmsg(nlmsg_type, ev_type, r0, r1, r2, length=16 + 56):
    """One netlink message with a 56-byte struct iscsi_uevent, as test-iscsi-nl.c builds them."""
    uev = bytearray(56)
    uev[0:4] = le32(ev_type)
    uev[4:8] = le32(0xdeadbeef)
    uev[8:12] = le32(0x11111111)
    uev[40:52] = le32(r0) + le32(r1) + le32(r2)
    uev[52:56] = le32(0xcafef00d)
    hdr = le32(length) + struct.pack('<HHII', nlmsg_type, 0, 0, 0)
    return (hdr + bytes(uev))[:length] + bytes(-length % 4)


def iscsi_nl():
    return {
        'conn-error': nlmsg(0, 102, 7, 0, 1020),
        'login-state': nlmsg(0, 109, 3, 2, 3),
        'sessions': nlmsg(0, 106, 5, 9, 0) + nlmsg(0, 105, 5, 9, 0) + nlmsg(0, 104, 9, 5, 0),
        'mixed': nlmsg(0, 102, 7, 0, 1011) + nlmsg(0, 101, 1, 2, 3) + nlmsg(0, 109, 7, 0, 2),
        'control': nlmsg(1, 102, 1, 0, 1011) + nlmsg(2, 102, 1, 0, 1011) + nlmsg(0, 106, 1, 2, 0),
        'cut-event': nlmsg(0, 106, 1, 2, 0) + nlmsg(0, 102, 7, 0, 1020, length=16 + 44),
        'unpadded-last': nlmsg(0, 106, 1, 2, 0) + nlmsg(0, 102, 7, 0, 1020, length=16 + 53)[:16 + 53],
    }


def completion(status, host=0, driver=0, sense=b''):
    """fuzz-sense's 8-byte completion header, then the sense buffer."""
    return struct.pack('<BHHB2x', status, host, driver, len(sense)) + sense


def sense():
    fixture = {name: c_array('test-scsi-cdb.c', name) for name in (
        'sense_ua_reset', 'sense_alua_transition', 'sense_medium', 'sense_invalid_opcode')}
    seeds = {name: completion(0x02, driver=0x08, sense=data) for name, data in fixture.items()}
    seeds['good'] = completion(0x00)
    seeds['busy'] = completion(0x08)
    seeds['transport-disrupted'] = completion(0x02, host=0x0e, sense=fixture['sense_ua_reset'])
    seeds['driver-timeout'] = completion(0x00, driver=0x06)
    seeds['deferred-descriptor'] = completion(0x02, sense=bytes([0x73, 0x04, 0x44, 0x00]))
    return seeds


def main():
    write('dmtext', dmtext())
    write('ipc', ipc())
    write('vpd', vpd())
    write('referrals', referrals())
    write('iscsi-nl', iscsi_nl())
    write('sense', sense())


if __name__ == '__main__':
    main()
