#pragma once
// Statistics of one accelerator run (Timeloop style: counts only; energy = counts x table is
// priced by the caller). Every count is a total over all images of the run unless stated.
#include "voltsim/memory/SramArray.hpp"
#include "voltsim/models/timing/LayerTiming.hpp"
#include "voltsim/workloads/topology/GemmShape.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace voltsim::models {

/// Accesses of a reliable buffer, per bank (an access of n elements spreads over the banks
/// element by element, address-interleaved).
struct BufferStats {
    std::vector<std::uint64_t> readsPerBank;  ///< element reads
    std::vector<std::uint64_t> writesPerBank; ///< element writes
    std::uint64_t peakBytes = 0;              ///< largest footprint seen (per image)
    std::uint64_t bitsFlipped = 0;            ///< bits read wrong through faulty cells (all images)

    std::uint64_t reads() const;
    std::uint64_t writes() const;
};

/// One layer of the network as the controller ran it.
struct LayerStats {
    std::string name;
    std::string type;                    ///< conv2d, linear, maxpool2d, flatten
    workloads::GemmShape shape;          ///< per image (conv2d/linear); zero otherwise
    LayerTiming timing;                  ///< per image: the array's timing (native schedule)
    std::int64_t cyclesPerImage = 0;     ///< array cycles (conv2d/linear) or PPU cycles (max-pool)
    std::uint64_t images = 0;            ///< images this layer processed
    std::uint64_t weightBitsRead = 0;    ///< bits of weight/bias codes read from weight SRAM (once per batch)
    std::uint64_t weightBitsFlipped = 0; ///< of them, bits that read differently from what was stored
    std::uint64_t weightCodeFlips = 0; ///< codes (weights and biases) that read a wrong value, per batch read
    std::uint64_t weightBatchReads = 0;  ///< how often the tensors were read (batches)
    std::uint64_t weightTilesLoaded = 0; ///< streamed tiles the DMA loaded from DRAM (per batch, all batches)
    std::uint64_t weightBytesLoaded = 0; ///< their bytes: DRAM reads and weight SRAM writes
    std::uint64_t weightLoadStallCycles = 0; ///< cycles the layer waited for its tiles (all batches)
    /// SRAM bits one weight code occupies: its width when packed, 8 with one code per byte (0: no
    /// weights). The energy of a weight read is priced at this width (EnergyPricer).
    unsigned weightStoredBitsPerCode = 0;
    std::uint64_t activationReads = 0;  ///< activation SRAM element reads (all images)
    std::uint64_t activationWrites = 0; ///< activation SRAM element writes (all images)
    std::uint64_t accumulatorReads = 0; ///< accumulator SRAM element reads (all images)
    std::uint64_t accumulatorWrites = 0;
    std::uint64_t ppuOutputs = 0; ///< values requantized (conv2d/linear) or pooled (max-pool)
};

/// A layer's counts as JSON: the one spelling of LayerStats in stats.json (controller.layers[])
/// and summary.json.
nlohmann::json layerStatsJson(const LayerStats& layer);

/// The DMA engine's work.
struct DmaStats {
    std::uint64_t transactions = 0;
    std::uint64_t bytesToWeightSram = 0;
    std::uint64_t bytesFromDram = 0;
    std::uint64_t bytesToDram = 0;
};

/// DRAM traffic.
struct DramStats {
    std::uint64_t reads = 0;
    std::uint64_t writes = 0;
    std::uint64_t bytesRead = 0;
    std::uint64_t bytesWritten = 0;
};

/// The host's view of the run.
struct HostStats {
    std::uint64_t images = 0;
    std::uint64_t batches = 0;
    std::uint64_t modelLoadCycles = 0; ///< DMA of the weight codes into weight SRAM (once; 0 if streamed)
    std::uint64_t modelBytes = 0;      ///< weight SRAM bytes written at model load (0 if streamed)
    std::uint64_t inferenceCycles =
        0; ///< cycles of all images (input DMA + layers + weight load stalls + output DMA)
    std::uint64_t inputDmaCycles = 0;        ///< of them, input DMA (all images)
    std::uint64_t outputDmaCycles = 0;       ///< of them, logit DMA (all images)
    std::uint64_t weightLoadStallCycles = 0; ///< of them, waits for streamed weight tiles (all batches)
    double simulatedTimeNs = 0;              ///< SystemC time at the end (model load included)
};

/// Everything an accelerator run reports: the typed counts the energy and the reports compute
/// with, and the same counts as every module reported them (`tree`).
struct AcceleratorStats {
    HostStats host;
    DmaStats dma;
    DramStats dram;
    std::vector<memory::SramStats> weightSramBanks; ///< TLM-observed accesses per bank
    BufferStats activationSram;
    BufferStats accumulatorSram;
    std::vector<LayerStats> layers;
    std::uint64_t arrayGemms = 0; ///< GEMMs issued to the array (fast: per batch, cycle: per image)
    /// collectStats of the accelerator: one object per module with statistics, nested as the
    /// modules are (the `accelerator` object of stats.json, before the report adds energies).
    nlohmann::json tree;
};

} // namespace voltsim::models
