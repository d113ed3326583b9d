#pragma once
// The typed description of a quantized network, as read from a model package's manifest.json
// (docs/model_package.md) and computed by docs/datapath.md.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace voltsim::workloads {

enum class LayerType { Conv2d, MaxPool2d, Flatten, Linear, AvgPool2d, GlobalAvgPool, Add, Concat };
enum class Quantizer { RQuant, Normal };

/// Manifest name of a layer type ("conv2d", "maxpool2d", "flatten", "linear", "avgpool2d",
/// "global_avgpool", "add", "concat").
const char* layerTypeName(LayerType type);
/// Manifest name of a quantizer ("rquant", "normal").
const char* quantizerName(Quantizer quantizer);

/// A weight or bias tensor stored as unsigned `bits`-bit codes in the package blob.
struct QuantizedTensor {
    std::vector<std::int64_t> shape; ///< e.g. [out, in, kh, kw] for a conv weight
    int bits = 8;                    ///< m, 2..8
    Quantizer quantizer = Quantizer::RQuant;
    double rangeMin = 0; ///< quantization range (qmin, qmax), informative
    double rangeMax = 0;
    std::int64_t offset = 128;  ///< z = 2^(bits-1)
    double scale = 0;           ///< a: decoded w = scale * (v - offset) + center (informative)
    double center = 0;          ///< c
    std::size_t blobOffset = 0; ///< first code's index in codes.bin (codes = bytes)
    std::size_t count = 0;      ///< number of codes = product(shape)

    /// Largest valid code, 2^bits - 1.
    int maxCode() const { return (1 << bits) - 1; }
};

/// Integer requantization of one conv2d/linear layer (docs/datapath.md, "One layer").
struct Requant {
    int shift = 1;         ///< 1..62
    std::int64_t mAcc = 0; ///< |m_*| < 2^28
    std::int64_t mSum = 0;
    std::int64_t mBias = 0;
    std::int64_t b0 = 0;      ///< |b0| < 2^62 so T cannot overflow int64; holds zeroPoint * 2^shift
    double inScale = 0;       ///< s_in, informative
    double outScale = 0;      ///< s_out, informative
    bool int32Output = false; ///< true for the last layer (logits), false: uint8 activations
    /// Output zero point: 0 (unsigned, after a ReLU) or kSignedZeroPoint (no ReLU, read by adds
    /// only; docs/datapath.md, "Zero points"). Informative: b0 already holds it.
    int zeroPoint = 0;
};

/// Integer rescaling of the inputs of an add or concat to the output's scale (docs/datapath.md,
/// "Graph layers"): input i's value q becomes (m_i q + 2^(shift-1)) >> shift (concat), or
/// (m_a q_a + m_b q_b + b0 + 2^(shift-1)) >> shift (add), clamped to 0..255.
struct MergeRequant {
    int shift = 1;                         ///< 1..62
    std::vector<std::int64_t> multipliers; ///< m_i, one per input, |m_i| < 2^28
    std::vector<double> inScales;          ///< s_i, informative
    double outScale = 0;                   ///< informative
    std::int64_t b0 = 0; ///< add only: z_out 2^shift - sum m_i z_i (zero points), |b0| < 2^62
    int zeroPoint = 0;   ///< add only: the output's zero point (informative, as in Requant)
};

/// The zero point of a signed activation tensor (docs/datapath.md, "Zero points").
constexpr int kSignedZeroPoint = 128;

/// Marks the network's input in Layer::inputs.
constexpr std::size_t kNetworkInput = static_cast<std::size_t>(-1);

/// One layer. Shapes are [C, H, W] for images and [N] for vectors.
struct Layer {
    std::string name;
    LayerType type = LayerType::Linear;
    /// Producers of the inputs: indices of earlier layers, or kNetworkInput (version 1: the layer
    /// before, the first layer the network input).
    std::vector<std::size_t> inputs;
    std::vector<std::int64_t> inShape; ///< of the first input
    std::vector<std::int64_t> outShape;
    int kernelH = 0; ///< conv2d, maxpool2d, avgpool2d
    int kernelW = 0;
    int stride = 1;                        ///< conv2d, maxpool2d, avgpool2d
    int padding = 0;                       ///< conv2d (zero padding), maxpool2d (padding ignored)
    int groups = 1;                        ///< conv2d: channel groups (C_in / groups inputs per output)
    bool relu = false;                     ///< conv2d, linear
    std::optional<QuantizedTensor> weight; ///< conv2d, linear: [N, C / groups, Fh, Fw] or [N, K]
    std::optional<QuantizedTensor> bias;   ///< conv2d, linear: [N]
    std::optional<Requant> requant;        ///< conv2d, linear
    std::optional<MergeRequant> merge;     ///< add, concat

    bool hasParameters() const { return type == LayerType::Conv2d || type == LayerType::Linear; }
    /// Whether the output is a signed tensor (zero point kSignedZeroPoint; only adds read it).
    bool hasSignedOutput() const;
    /// Inputs per output (K of the GEMM): C / groups * Fh * Fw for conv2d, the input length for
    /// linear; 0 else.
    std::int64_t fanIn() const;
    /// Multiply-accumulates per image (0 for pooling and flatten).
    std::int64_t macs() const;
    /// Number of weight and bias codes.
    std::int64_t parameterCount() const;
};

/// Which parameter of its layer a tensor is.
enum class TensorRole { Weight, Bias };

/// "weight" or "bias".
const char* tensorRoleName(TensorRole role);

/// One parameter tensor of a network, where it lies in the package blob.
struct ParameterTensor {
    std::size_t layer = 0; ///< index into Network::layers
    TensorRole role = TensorRole::Weight;
    std::size_t blobOffset = 0; ///< first code's index in codes.bin
    std::size_t count = 0;      ///< codes
    unsigned bits = 8;          ///< bits per code, 2..8
};

/// Dataset facts a network needs.
struct DatasetInfo {
    std::string name;
    std::vector<std::int64_t> inputShape; ///< [C, H, W]
    int numClasses = 0;
    double inputScale = 0; ///< s_0, informative (1/255)
};

/// The layers of a network and what it consumes.
struct Network {
    DatasetInfo dataset;
    std::vector<Layer> layers;

    std::int64_t macsPerImage() const;
    std::int64_t parameterCount() const;
    /// Every weight and bias tensor in blob order: the weight, then the bias, of each conv2d and
    /// linear layer in layer order (the order the package blob, the weight SRAM and the DRAM image
    /// of the model hold them; docs/model_package.md).
    std::vector<ParameterTensor> parameterTensors() const;
    /// Bits of every weight and bias code (sum of count x bits): what the weight SRAM stores.
    std::uint64_t codeBits() const;
    /// Pixels per input image, product(dataset.inputShape).
    std::int64_t inputSize() const;
    /// Sets every layer's inputs to the layer before it (the first: the network input): how a
    /// chain built in code is wired (the loader wires a package's layers itself).
    void connectAsChain();
    /// Every layer reads only the layer before it (the first the network input): version 1's
    /// shape, and what the chain-only parts of voltsim run.
    bool isChain() const;
    /// Whether running from layer `index` on needs nothing but that layer's single input: no layer
    /// at or after `index` reads a tensor produced before it other than that input. Layer 0 always.
    bool isCutPoint(std::size_t index) const;
    /// The shape of tensor `producer` (a layer index, or kNetworkInput for dataset.inputShape).
    const std::vector<std::int64_t>& tensorShape(std::size_t producer) const;
};

/// Product of the entries of a shape.
std::int64_t shapeSize(const std::vector<std::int64_t>& shape);
/// "[16, 28, 28]"
std::string shapeText(const std::vector<std::int64_t>& shape);

} // namespace voltsim::workloads
