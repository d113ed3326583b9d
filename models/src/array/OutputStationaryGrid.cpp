#include "GridEngine.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace voltsim::models::detail {

std::unique_ptr<GridEngine> makeStationaryGrid(const ArraySpec& spec, const CodeMatrix& weights,
                                               const CodeMatrix& inputs);

namespace {

/// OS grid computing acc (M x N) = Q (M x K) * W (K x N). PE(r,c) accumulates output
/// (rowBase + r, colBase + c); Q[m][k] enters row r at cycle S_f + k + r moving right, W[k][n]
/// enters column c at cycle S_f + k + c moving down. Column c's output bus reads row r of fold f
/// at cycle S_f + K + r + c, the cycle after that PE's last MAC.
class OutputStationaryGrid : public GridEngine {
  public:
    OutputStationaryGrid(const ArraySpec& spec, Eigen::MatrixXi weights, Eigen::MatrixXi inputs)
        : m_rows(spec.rows), m_cols(spec.cols), m_w(std::move(weights)),
          m_q(std::move(inputs)), m_mapping{m_q.rows(), m_w.cols(), m_q.cols()},
          m_folds(enumerateFolds(m_mapping, spec)), m_schedule(nativeSchedule(m_mapping, spec)),
          m_act(cells()), m_actNext(cells()), m_wgt(cells()), m_wgtNext(cells()), m_acc(cells()),
          m_accNext(cells()), m_y(Eigen::MatrixXi::Zero(m_q.rows(), m_w.cols())),
          m_writtenMask(Eigen::MatrixXi::Zero(m_q.rows(), m_w.cols()))
    {
        for (const FoldTimes& times : m_schedule.folds)
            m_streamStarts.push_back(times.streamStart);
    }

    void step() override
    {
        readOutputs();
        computePes();
        std::swap(m_act, m_actNext);
        std::swap(m_wgt, m_wgtNext);
        std::swap(m_acc, m_accNext);
        ++m_cycle;
    }

    bool done() const override { return m_written == m_mapping.spatialRows * m_mapping.spatialCols; }

    AccMatrix result() const override
    {
        if ((m_writtenMask.array() != 1).any())
            throw std::logic_error("systolic array: an output was not written exactly once");
        return m_y.cast<std::int32_t>();
    }

  private:
    std::size_t cells() const { return static_cast<std::size_t>(m_rows * m_cols); }
    std::size_t at(std::int64_t r, std::int64_t c) const { return static_cast<std::size_t>(r * m_cols + c); }

    /// The latest fold whose stream started at or before `local`, or -1.
    std::int64_t foldStartedBy(std::int64_t local) const
    {
        auto it = std::upper_bound(m_streamStarts.begin(), m_streamStarts.end(), local);
        return it == m_streamStarts.begin() ? -1 : static_cast<std::int64_t>(it - m_streamStarts.begin()) - 1;
    }

    /// Column c's output bus: reads the accumulator of the row whose turn it is.
    void readOutputs()
    {
        const std::int64_t k = m_mapping.time;
        for (std::int64_t c = 0; c < m_cols; ++c) {
            const std::int64_t f = foldStartedBy(m_cycle - k - c);
            if (f < 0)
                continue;
            const Fold& fold = m_folds[static_cast<std::size_t>(f)];
            const std::int64_t r = m_cycle - k - c - m_streamStarts[static_cast<std::size_t>(f)];
            if (r >= fold.rowsUsed || c >= fold.colsUsed)
                continue;
            const Token& acc = m_acc[at(r, c)];
            if (acc.fold != f || acc.step != k - 1)
                hazard("output of PE(" + std::to_string(r) + "," + std::to_string(c) + ") not ready",
                       m_cycle);
            m_y(fold.rowBase + r, fold.colBase + c) = acc.value;
            m_writtenMask(fold.rowBase + r, fold.colBase + c) += 1;
            recordWrite(acc.value);
        }
    }

    /// Operand entering array row r (inputs) or column c (weights) at this cycle.
    Token feed(std::int64_t lane, bool isRow) const
    {
        const std::int64_t f = foldStartedBy(m_cycle - lane);
        if (f < 0)
            return Token{};
        const std::int64_t k = m_cycle - lane - m_streamStarts[static_cast<std::size_t>(f)];
        const Fold& fold = m_folds[static_cast<std::size_t>(f)];
        if (k >= m_mapping.time || lane >= (isRow ? fold.rowsUsed : fold.colsUsed))
            return Token{};
        return Token{isRow ? m_q(fold.rowBase + lane, k) : m_w(k, fold.colBase + lane), f, k};
    }

    void computePes()
    {
        std::vector<Token> colInputs(static_cast<std::size_t>(m_cols));
        for (std::int64_t c = 0; c < m_cols; ++c)
            colInputs[static_cast<std::size_t>(c)] = feed(c, false);
        for (std::int64_t r = 0; r < m_rows; ++r) {
            const Token rowInput = feed(r, true);
            for (std::int64_t c = 0; c < m_cols; ++c)
                computePe(r, c, c == 0 ? rowInput : m_act[at(r, c - 1)],
                          r == 0 ? colInputs[static_cast<std::size_t>(c)] : m_wgt[at(r - 1, c)]);
        }
    }

    void computePe(std::int64_t r, std::int64_t c, const Token& input, const Token& weight)
    {
        const std::size_t here = at(r, c);
        m_actNext[here] = input;
        m_wgtNext[here] = weight;
        const Token& acc = m_acc[here];
        if (!input.valid() || !weight.valid()) {
            m_accNext[here] = acc;
            return;
        }
        if (input.fold != weight.fold || input.step != weight.step)
            hazard("operands out of step at PE(" + std::to_string(r) + "," + std::to_string(c) + ")",
                   m_cycle);
        if (input.step > 0 && (acc.fold != input.fold || acc.step != input.step - 1))
            hazard("accumulator of PE(" + std::to_string(r) + "," + std::to_string(c) + ") out of step",
                   m_cycle);
        const std::int32_t base = input.step == 0 ? 0 : acc.value;
        m_accNext[here] = Token{base + input.value * weight.value, input.fold, input.step};
    }

    std::int64_t m_rows;
    std::int64_t m_cols;
    Eigen::MatrixXi m_w;
    Eigen::MatrixXi m_q;
    FoldMapping m_mapping;
    std::vector<Fold> m_folds;
    NativeSchedule m_schedule;
    std::vector<std::int64_t> m_streamStarts;
    std::vector<Token> m_act, m_actNext, m_wgt, m_wgtNext, m_acc, m_accNext;
    Eigen::MatrixXi m_y;
    Eigen::MatrixXi m_writtenMask;
};

} // namespace

std::unique_ptr<GridEngine> makeGridEngine(const ArraySpec& spec, const CodeMatrix& weights,
                                           const CodeMatrix& inputs)
{
    if (spec.dataflow == Dataflow::OS)
        return std::make_unique<OutputStationaryGrid>(spec, weights.cast<int>(), inputs.cast<int>());
    return makeStationaryGrid(spec, weights, inputs);
}

} // namespace voltsim::models::detail
