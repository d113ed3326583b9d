#pragma once
// The resolved, validated description of one accelerator instance (DRAMSys style: the sim/ layer
// reads the JSON config through ConfigNode and fills these structs; models/ only consumes them).
#include "voltsim/memory/OperatingPoint.hpp"
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/memory/WeightLayout.hpp"
#include "voltsim/models/array/ArraySpec.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace voltsim::models {

/// Weight SRAM: the memory/ chip (profile + seed) with its layout and bank timing.
struct WeightSramSpecs {
    std::shared_ptr<const memory::SramProfile> profile; ///< shared, never modified
    memory::ChipOptions chip;                           ///< fault model and geometry
    memory::WeightLayoutConfig layout;                  ///< start offset, interleave, packing, placement
    std::uint32_t readLatencyCycles = 1;                ///< per bank access (memory::SramBankTiming)
    std::uint32_t writeLatencyCycles = 1;
    memory::OperatingPoint operatingPoint; ///< of the weight SRAM and every SRAM on its rail
    std::string rail = "weight"; ///< the weight SRAM's supply rail (docs/accelerator.md, "Voltage rails")
};

/// An on-chip buffer (activation or accumulator SRAM) with `banks` equal banks. Below V_min its
/// cells fail as the weight SRAM's do (docs/accelerator.md, "Activation SRAM").
struct BufferSpecs {
    std::uint64_t sizeBytes = 0;
    std::uint32_t banks = 1;
    std::string rail;             ///< its supply rail: the weight SRAM's or one of AcceleratorSpecs::rails
    double leakageUwPerKib = 0.0; ///< leakage power per KiB at V_nom, uW (0: not modelled)
};

/// A supply rail besides the weight SRAM's: the buffers on it run at its voltage.
struct RailSpecs {
    std::string name;
    std::optional<double> voltageMv; ///< supply in mV; unset: the weight SRAM profile's V_nom
};

/// Off-chip DRAM: one channel with a fixed access latency and a peak bandwidth.
struct DramSpecs {
    double bandwidthGbPerS = 12.8; ///< GB/s = bytes per ns
    double latencyNs = 100;        ///< per transaction
    std::uint32_t burstBytes = 64; ///< the DMA moves data in transactions of at most this size
};

/// Post-processing unit: requantization, ReLU (fused with the array drain) and max-pool.
struct PpuSpecs {
    std::uint32_t lanes = 16; ///< element-wise values (pool, add, concat) the PPU reads per cycle
};

/// Everything an Accelerator is built from.
struct AcceleratorSpecs {
    ArraySpec array{16, 16, Dataflow::WS};
    double clockMhz = 500;
    WeightSramSpecs weightSram;
    BufferSpecs activationSram{std::uint64_t{32} * 1024, 8, "activation"}; ///< two halves (double buffering)
    BufferSpecs accumulatorSram{std::uint64_t{64} * 1024, 8,
                                "accumulator"}; ///< int32 partial sums of one fold
    /// The rails besides weightSram.rail, by name (each holds at least one buffer). The default is
    /// the paper's accelerator: only the weight SRAM's rail is scaled.
    std::vector<RailSpecs> rails{{"activation", std::nullopt}, {"accumulator", std::nullopt}};
    DramSpecs dram;
    PpuSpecs ppu;
    std::string timingModel =
        "native"; ///< a name in timingModels() that times the accelerator (docs/timing.md)
    std::string arrayEngine =
        "fast"; ///< a name in arrayEngines(): how the array is simulated (docs/accelerator.md)
    std::uint32_t batchImages = 256; ///< images per host batch (fast mode computes each fold for the batch)
    std::string vcdPath;             ///< cycle mode: trace the array to <vcdPath>.vcd if not empty

    /// One clock period.
    double clockPeriodNs() const { return 1000.0 / clockMhz; }
};

} // namespace voltsim::models
