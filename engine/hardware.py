"""Catalog of real POWER server models and the limits the hypervisor enforces on them.

Figures follow docs/powervm-rules.md section 1. Values the reference marks
unverified (partition counts, hypervisor base memory, some core and memory maxima) are
defaults in the public spirit of IBM's sales material, not rules to test against.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class HardwareModel(BaseModel):
    model_config = ConfigDict(frozen=True)

    mtm: str  # machine type-model, e.g. "9080-HEX"
    name: str  # marketing name, e.g. "Power E1080"
    generation: str  # "Power10", "POWER9"
    max_cores: int
    max_memory_mb: int
    max_lpars: int
    min_proc_units_per_vp: float
    lmb_mb: int  # default logical memory block (mem_region_size)
    max_shared_pools: int
    max_virtual_slots: int  # per partition
    max_vps_per_lpar: int
    hypervisor_base_mem_mb: int  # firmware memory before any partition is running
    os400_capable: bool
    firmware: str  # a typical system firmware level for the model

    @property
    def machine_type(self) -> str:
        return self.mtm.split("-")[0]

    @property
    def model(self) -> str:
        return self.mtm.split("-")[1]


TB = 1024 * 1024  # MB in a TB

CATALOG: dict[str, HardwareModel] = {
    m.mtm: m
    for m in (
        HardwareModel(
            mtm="9080-HEX", name="Power E1080", generation="Power10", max_cores=240,
            max_memory_mb=64 * TB, max_lpars=1000, min_proc_units_per_vp=0.05, lmb_mb=256,
            max_shared_pools=64, max_virtual_slots=32767, max_vps_per_lpar=240,
            hypervisor_base_mem_mb=8192, os400_capable=True, firmware="FW1060.10",
        ),
        HardwareModel(
            mtm="9043-MRX", name="Power E1050", generation="Power10", max_cores=96,
            max_memory_mb=16 * TB, max_lpars=1000, min_proc_units_per_vp=0.05, lmb_mb=256,
            max_shared_pools=64, max_virtual_slots=32767, max_vps_per_lpar=96,
            hypervisor_base_mem_mb=4096, os400_capable=False, firmware="FW1060.10",
        ),
        HardwareModel(
            mtm="9105-42A", name="Power S1024", generation="Power10", max_cores=48,
            max_memory_mb=8 * TB, max_lpars=1000, min_proc_units_per_vp=0.05, lmb_mb=256,
            max_shared_pools=64, max_virtual_slots=32767, max_vps_per_lpar=48,
            hypervisor_base_mem_mb=2048, os400_capable=True, firmware="FW1060.10",
        ),
        HardwareModel(
            mtm="9105-22A", name="Power S1022", generation="Power10", max_cores=40,
            max_memory_mb=4 * TB, max_lpars=1000, min_proc_units_per_vp=0.05, lmb_mb=256,
            max_shared_pools=64, max_virtual_slots=32767, max_vps_per_lpar=40,
            hypervisor_base_mem_mb=2048, os400_capable=True, firmware="FW1060.10",
        ),
        HardwareModel(
            mtm="9080-M9S", name="Power E980", generation="POWER9", max_cores=192,
            max_memory_mb=64 * TB, max_lpars=1000, min_proc_units_per_vp=0.05, lmb_mb=256,
            max_shared_pools=64, max_virtual_slots=32767, max_vps_per_lpar=192,
            hypervisor_base_mem_mb=8192, os400_capable=True, firmware="VH950_161",
        ),
        HardwareModel(
            mtm="9009-42A", name="Power S924", generation="POWER9", max_cores=24,
            max_memory_mb=4 * TB, max_lpars=1000, min_proc_units_per_vp=0.05, lmb_mb=256,
            max_shared_pools=64, max_virtual_slots=32767, max_vps_per_lpar=24,
            hypervisor_base_mem_mb=2048, os400_capable=True, firmware="VL950_161",
        ),
    )
}


def lookup(mtm: str) -> HardwareModel:
    """The catalog entry for a machine type-model; KeyError lists the known ones."""
    try:
        return CATALOG[mtm]
    except KeyError:
        known = ", ".join(sorted(CATALOG))
        raise KeyError(f"unknown machine type-model {mtm!r} (known: {known})") from None
