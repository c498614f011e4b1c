# Run inside `odoo-bin shell` (bench/bench_audit_overhead.sh): `env` is given. Prints the figures; rolls back.
import os
import time

WRITES = int(os.environ.get("KK_BENCH_WRITES", "10000"))
Partner = env["res.partner"]  # noqa: F821 (provided by odoo-bin shell)
params = env["ir.config_parameter"].sudo()  # noqa: F821
partners = Partner.create([{"name": f"Benchmark {i}", "is_company": True} for i in range(1000)])
env.flush_all()  # noqa: F821


def run(label):
    start = time.perf_counter()
    for i in range(WRITES):
        partner = partners[i % len(partners)]
        partner.write({"city": f"By {label} {i}", "phone": f"+47 {i:08d}"})
    env.flush_all()  # noqa: F821
    # The trail is written just before commit; write it now so that its whole cost is inside the timing.
    env["kundekartotek.audit.log"].flush_model()  # noqa: F821
    return time.perf_counter() - start


# Warm-up, then alternate twice so that caches and the machine's state favour neither side.
run("warm")
timings = {"off": [], "on": []}
for _round in range(2):
    params.set_param("kundekartotek.audit_fields", "none")
    timings["off"].append(run("off"))
    params.set_param("kundekartotek.audit_fields", "")
    timings["on"].append(run("on"))
off, on = min(timings["off"]), min(timings["on"])
entries = env["kundekartotek.audit.log"].search_count([])  # noqa: F821
print(f"writes per run          {WRITES}")
print(f"trail off (best of 2)   {off:.2f} s  ({WRITES / off:.0f} writes/s)")
print(f"trail on  (best of 2)   {on:.2f} s  ({WRITES / on:.0f} writes/s)")
print(f"overhead ratio on/off   {on / off:.3f}  (goal <= 1.25)")
print(f"audit entries written   {entries}")
env.cr.rollback()  # noqa: F821
