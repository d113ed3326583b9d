#pragma once
// Where one image's tensors lie in the activation SRAM, and the cells of the buffers below V_min
// (docs/accelerator.md, "Activation SRAM"). Both back-ends use these: the SystemC controller reads
// every stored tensor back through the activation SRAM's cells, the functional engine applies the
// same ByteFaults (activationFaults) to the same tensors.
#include "voltsim/memory/BufferSram.hpp"
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"
#include "voltsim/models/array/ArraySpec.hpp"
#include "voltsim/workloads/inference/TensorFaults.hpp"
#include "voltsim/workloads/model/Network.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace voltsim::models {

/// The activation SRAM's address map of one image. Tensors are indexed as in
/// workloads::TensorFaults: [i] layer i's output, [layers] the network input.
struct ActivationMap {
    std::vector<std::size_t> storage;   ///< the tensor whose bytes it is: itself, or what a flatten views
    std::vector<bool> stored;           ///< has bytes of its own in the SRAM (not a flatten, not logits)
    std::vector<std::uint64_t> address; ///< first byte of a stored tensor (0 otherwise)
    std::vector<std::uint64_t> bytes;   ///< bytes of a stored tensor (0 otherwise)

    /// The index of tensor `producer` (a layer index, or workloads::kNetworkInput).
    std::size_t index(std::size_t producer) const
    {
        return producer == workloads::kNetworkInput ? storage.size() - 1 : producer;
    }
};

/// Places every stored tensor when its producer runs (the network input first, at address 0) and
/// keeps it until its last reader has run: a layer's output goes to the lowest address where it
/// overlaps none of the tensors live while the layer runs (its inputs and the tensors later layers
/// still read), first fit in layer order. InputError "activation_sram.size_kib: ..." if a tensor
/// finds no room.
ActivationMap planActivations(const workloads::Network& network, std::uint64_t sizeBytes);

/// The operating point of `buffer`'s rail: the weight SRAM's (`weightPoint`) if it is on the
/// weight SRAM's rail, else its rail's voltage (unset: nominal).
memory::OperatingPoint bufferOperatingPoint(const AcceleratorSpecs& specs, const BufferSpecs& buffer,
                                            const memory::OperatingPoint& weightPoint);

/// True if some cell of `profile` fails at `point`: below V_min, or at a rate above 0 (profiles
/// have no faulty cell at or above V_min).
bool cellsFailAt(const memory::SramProfile& profile, const memory::OperatingPoint& point);

/// The cells of buffer `name` ("activation" or "accumulator"; its config key is name + "_sram") of
/// the chip seeded `chipSeed`, with the weight SRAM profile, fault model and word width, at V_nom.
/// InputError naming the key if its banks do not hold whole words.
std::unique_ptr<memory::BufferSram> makeBufferCells(const AcceleratorSpecs& specs, const BufferSpecs& buffer,
                                                    const std::string& name, std::uint64_t chipSeed);

/// makeBufferCells at the operating point of the buffer's rail (bufferOperatingPoint with the
/// weight SRAM's of `specs`); null if no cell fails there.
std::unique_ptr<memory::BufferSram> bufferCellsAt(const AcceleratorSpecs& specs, const BufferSpecs& buffer,
                                                  const std::string& name, std::uint64_t chipSeed);

/// Refuses, before anything is simulated, the activation or accumulator SRAM whose cells are
/// modelled with the weight SRAM at `weightPoint` (cellsFailAt its rail's point) and whose banks
/// do not hold whole words: InputError naming the buffer's key, as makeBufferCells. (Thrown from a
/// SystemC elaboration after a simulation, the error would trip AddressSanitizer's false stack
/// reports: docs/hardening.md.)
void checkBufferCells(const AcceleratorSpecs& specs, const memory::OperatingPoint& weightPoint);

/// The faulty bytes under every tensor of `map` in `cells` (a flatten gets those of the tensor it
/// views; tensors not stored get none).
workloads::TensorFaults activationFaults(const ActivationMap& map, const memory::BufferSram& cells);

/// Word (int32) of the accumulator SRAM holding output (m, n) of one GEMM M x K x N (`gemmN` = N) on `array`
/// (one fold's partial sums, row-major, from address 0; every fold reuses them): weight
/// stationary m min(C, N) + n mod C; output stationary (m mod R) min(C, N) + n mod C; input
/// stationary (m mod C) N + n (R x C the array).
std::uint64_t accumulatorWord(const ArraySpec& array, std::int64_t m, std::int64_t n, std::int64_t gemmN);

/// The faulty accumulators of every conv2d/linear layer (one GEMM per channel group, each through
/// the same words; accumulatorWord) in `cells`, indexed by layer; fold rows: the array's rows,
/// or K under output stationary.
std::vector<workloads::LayerAccumulatorFaults>
accumulatorFaults(const workloads::Network& network, const ArraySpec& array, const memory::BufferSram& cells);

/// The faulty bytes under every tensor (activationFaults of `activation`) and the faulty
/// accumulators (accumulatorFaults of `accumulator`) of `network`; a null cells pointer adds none.
workloads::TensorFaults storedFaults(const workloads::Network& network, const ArraySpec& array,
                                     const ActivationMap& map, const memory::BufferSram* activation,
                                     const memory::BufferSram* accumulator);

} // namespace voltsim::models
