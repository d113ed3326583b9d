#include "voltsim/models/accelerator/AcceleratorStats.hpp"

#include <numeric>

namespace voltsim::models {

std::uint64_t BufferStats::reads() const
{
    return std::accumulate(readsPerBank.begin(), readsPerBank.end(), std::uint64_t{0});
}

std::uint64_t BufferStats::writes() const
{
    return std::accumulate(writesPerBank.begin(), writesPerBank.end(), std::uint64_t{0});
}

nlohmann::json layerStatsJson(const LayerStats& layer)
{
    return nlohmann::json{{"name", layer.name},
                          {"type", layer.type},
                          {"gemm", {{"m", layer.shape.m}, {"k", layer.shape.k}, {"n", layer.shape.n}}},
                          {"images", layer.images},
                          {"cycles_per_image", layer.cyclesPerImage},
                          {"stall_cycles_per_image", layer.timing.stallCycles},
                          {"folds", layer.timing.folds},
                          {"macs_per_image", layer.timing.macs},
                          {"overall_util", layer.timing.overallUtil},
                          {"mapping_efficiency", layer.timing.mappingEfficiency},
                          {"compute_util", layer.timing.computeUtil},
                          {"weight_sram_reads_per_image", layer.timing.filterSramReads},
                          {"weight_bits_read", layer.weightBitsRead},
                          {"weight_bits_flipped", layer.weightBitsFlipped},
                          {"weight_batch_reads", layer.weightBatchReads},
                          {"weight_tiles_loaded", layer.weightTilesLoaded},
                          {"weight_bytes_loaded", layer.weightBytesLoaded},
                          {"weight_load_stall_cycles", layer.weightLoadStallCycles},
                          {"activation_reads", layer.activationReads},
                          {"activation_writes", layer.activationWrites},
                          {"accumulator_reads", layer.accumulatorReads},
                          {"accumulator_writes", layer.accumulatorWrites},
                          {"ppu_outputs", layer.ppuOutputs}};
}

} // namespace voltsim::models
