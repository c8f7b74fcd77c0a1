"""kimtrain doctor: each check with the machine replaced by fakes, and the real command."""

from __future__ import annotations

import errno
import socket
import subprocess
import sys

import pytest

from kimtrain import doctor
from kimtrain.doctor import FAIL, OK, WARN, Probe, phones_for_memory, run_checks

GIB = 1024 ** 3


class Listener:
    def close(self) -> None:
        pass


def fake_probe(**overrides) -> Probe:
    """A healthy 8 GB Windows laptop on a room router, unless told otherwise."""
    values = dict(platform="win32", python=(3, 11, 9),
                  memory_available=lambda: 5 * GIB, memory_total=lambda: 8 * GIB,
                  disk_free=lambda path: 40 * GIB, addresses=lambda: ["192.168.1.23"],
                  bind=lambda host, port: Listener(), connect=lambda address, port: None,
                  version=lambda name: "1.0", which=lambda name: r"C:\kimtrain\alembic.exe")
    values.update(overrides)
    return Probe(**values)


def by_name(checks):
    return {c.name: c for c in checks}


def test_a_healthy_windows_laptop_passes_with_the_firewall_note(tmp_path):
    checks = by_name(run_checks(tmp_path, probe=fake_probe()))
    assert {n: c.status for n, c in checks.items() if c.status != OK} == {"firewall": WARN}
    assert checks["firewall"].fix == "doctor.fix.firewall"
    assert checks["address"].params["url"] == "http://192.168.1.23:8866/"
    assert checks["exchange"].key == "doctor.exchange.windows"
    assert checks["course"].key == "doctor.course.none"


@pytest.mark.parametrize(("available_gib", "status"), [(0.8, FAIL), (2.0, WARN), (5.0, OK)])
def test_memory_decides_how_many_phones(tmp_path, available_gib, status):
    probe = fake_probe(memory_available=lambda: int(available_gib * GIB))
    check = by_name(run_checks(tmp_path, probe=probe))["memory"]
    assert check.status == status
    assert check.params["phones"] == phones_for_memory(int(available_gib * GIB))


def test_phone_capacity_follows_the_measured_cost():
    # 180 MiB server + 4 warm kernels × 70 MiB + 70 MiB per phone
    assert phones_for_memory((180 + 4 * 70 + 30 * 70) * 1024 ** 2) == 30
    assert phones_for_memory(100 * 1024 ** 2) == 0


def test_little_disk_old_python_and_missing_packages_must_be_fixed(tmp_path):
    probe = fake_probe(disk_free=lambda path: 300 * 1024 ** 2, python=(3, 10, 4),
                       version=lambda name: None if name == "voila" else "1.0",
                       which=lambda name: None)
    checks = by_name(run_checks(tmp_path, probe=probe))
    for name in ("disk", "python", "packages", "alembic"):
        assert checks[name].status == FAIL, name
    assert "voila" in checks["packages"].params["missing"]


def test_no_network_and_a_busy_port(tmp_path):
    checks = by_name(run_checks(tmp_path, probe=fake_probe(addresses=lambda: [])))
    assert checks["address"].status == FAIL and "port" not in checks

    def busy(host, port):
        raise OSError(errno.EADDRINUSE, "Address already in use")

    checks = by_name(run_checks(tmp_path, probe=fake_probe(bind=busy)))
    assert checks["port"].status == FAIL and checks["port"].key == "doctor.port.in_use"

    def refused(address, port):
        raise OSError(errno.ECONNREFUSED, "Connection refused")

    checks = by_name(run_checks(tmp_path, probe=fake_probe(connect=refused)))
    assert checks["port"].key == "doctor.port.unreachable"


def test_the_windows_hotspot_is_noted_with_its_eight_device_limit(tmp_path):
    probe = fake_probe(addresses=lambda: ["192.168.137.1", "192.168.1.23"])
    check = by_name(run_checks(tmp_path, probe=probe))["address"]
    assert check.status == WARN and check.fix == "doctor.fix.hotspot"
    from kimtrain.i18n import t

    assert "8 perangkat" in t(check.fix)


def test_course_folder_health(course):
    checks = by_name(run_checks(course.root, probe=fake_probe(platform="linux")))
    assert checks["course"].status == OK
    assert checks["roster"].status == WARN  # nobody imported yet
    assert checks["released"].status == WARN
    assert checks["firewall"].status == OK
    key = course.root / ".kimtrain" / "kunci"
    key.parent.mkdir()
    key.write_bytes(b"short")
    assert by_name(run_checks(course.root, probe=fake_probe()))["key"].status == FAIL


def test_the_real_command_on_this_machine(tmp_path):
    """Real memory, disk, adapters and port; exit 0 unless something must be fixed."""
    with socket.socket() as free:
        free.bind(("0.0.0.0", 0))
        port = free.getsockname()[1]
    done = subprocess.run([sys.executable, "-m", "kimtrain", "doctor", "--course",
                           str(tmp_path), "--port", str(port)], capture_output=True,
                          text=True, timeout=120)
    assert "Pemeriksaan laptop" in done.stdout
    assert ("[PERBAIKI]" in done.stdout) == (done.returncode == 1), done.stdout
    english = subprocess.run([sys.executable, "-m", "kimtrain", "--lang", "en", "doctor",
                              "--course", str(tmp_path), "--port", str(port)],
                             capture_output=True, text=True, timeout=120)
    assert "Checking this laptop" in english.stdout and "Python" in english.stdout


def test_probe_reads_this_machine():
    probe = Probe()
    assert probe.memory_total() > probe.memory_available() > 0
    assert doctor._version("nbgrader")
