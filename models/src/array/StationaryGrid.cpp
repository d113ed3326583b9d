#include "GridEngine.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace voltsim::models::detail {
namespace {

/// A PE's stationary register (one of two slots) and the fold it was loaded for.
struct Slot {
    std::int32_t value = 0;
    std::int64_t fold = -1;
};

/// WS/IS grid computing Y (T x Sc) = X (T x Sr) * A (Sr x Sc) with A stationary.
/// PE(r,c) holds A[rowBase + r][colBase + c] in slot fold % 2; X[t][rowBase + r] enters row r at
/// cycle S_f + t + r and moves right one PE per cycle; partial sums move down one PE per cycle
/// through all R rows and are written back (accumulated across K folds) the cycle after they
/// leave the bottom row. Column c's load bus writes row j of fold f at cycle L_f + j + c.
class StationaryGrid : public GridEngine {
  public:
    StationaryGrid(const ArraySpec& spec, Eigen::MatrixXi stationary, Eigen::MatrixXi stream,
                   bool transposeOut)
        : m_rows(spec.rows), m_cols(spec.cols), m_a(std::move(stationary)), m_x(std::move(stream)),
          m_transposeOut(transposeOut), m_mapping{m_a.rows(), m_a.cols(), m_x.rows()},
          m_folds(enumerateFolds(m_mapping, spec)), m_schedule(nativeSchedule(m_mapping, spec)),
          m_act(cells()), m_actNext(cells()), m_psum(cells()), m_psumNext(cells()), m_slots(2 * cells()),
          m_y(Eigen::MatrixXi::Zero(m_x.rows(), m_a.cols())),
          m_contributions(Eigen::MatrixXi::Zero(m_x.rows(), m_a.cols()))
    {
        for (const Fold& fold : m_folds)
            m_expectedWrites += m_mapping.time * fold.colsUsed;
        for (const FoldTimes& times : m_schedule.folds)
            m_streamStarts.push_back(times.streamStart);
    }

    void step() override
    {
        writeBack();
        std::vector<std::pair<std::size_t, Slot>> loads = loadWrites();
        computePes();
        for (const auto& [index, slot] : loads)
            m_slots[index] = slot;
        std::swap(m_act, m_actNext);
        std::swap(m_psum, m_psumNext);
        ++m_cycle;
    }

    bool done() const override { return m_written == m_expectedWrites; }

    AccMatrix result() const override
    {
        // Per-output counters are int (Eigen::MatrixXi); a fold count always fits.
        const auto rowFoldCount =
            static_cast<int>(rowFolds(m_mapping, ArraySpec{m_rows, m_cols, Dataflow::WS}));
        if ((m_contributions.array() != rowFoldCount).any())
            throw std::logic_error("systolic array: an output missed a partial sum");
        const Eigen::MatrixXi out = m_transposeOut ? Eigen::MatrixXi(m_y.transpose()) : m_y;
        return out.cast<std::int32_t>();
    }

  private:
    std::size_t cells() const { return static_cast<std::size_t>(m_rows * m_cols); }
    std::size_t at(std::int64_t r, std::int64_t c) const { return static_cast<std::size_t>(r * m_cols + c); }

    /// The fold whose stream window covers cycle `x` at skew `skew`, or -1.
    std::int64_t streamingFold(std::int64_t x, std::int64_t skew) const
    {
        const std::int64_t local = x - skew;
        auto it = std::upper_bound(m_streamStarts.begin(), m_streamStarts.end(), local);
        if (it == m_streamStarts.begin())
            return -1;
        const auto fold = static_cast<std::int64_t>(it - m_streamStarts.begin()) - 1;
        return local - m_streamStarts[static_cast<std::size_t>(fold)] < m_mapping.time ? fold : -1;
    }

    /// Bottom-edge registers hold finished partial sums; they are written back this cycle.
    void writeBack()
    {
        for (std::int64_t c = 0; c < m_cols; ++c) {
            const Token& sum = m_psum[at(m_rows - 1, c)];
            if (!sum.valid())
                continue;
            const Fold& fold = m_folds[static_cast<std::size_t>(sum.fold)];
            if (c >= fold.colsUsed)
                continue;
            m_y(sum.step, fold.colBase + c) += sum.value;
            m_contributions(sum.step, fold.colBase + c) += 1;
            recordWrite(m_y(sum.step, fold.colBase + c));
        }
    }

    /// Slot writes issued by the column load buses this cycle (committed at the end of the cycle).
    std::vector<std::pair<std::size_t, Slot>> loadWrites()
    {
        std::vector<std::pair<std::size_t, Slot>> writes;
        while (m_firstLoading < m_folds.size() && m_cycle > m_schedule.folds[m_firstLoading].loadStart +
                                                                m_folds[m_firstLoading].rowsUsed + m_cols)
            ++m_firstLoading;
        std::vector<std::int64_t> busUser(static_cast<std::size_t>(m_cols), -1);
        for (std::size_t f = m_firstLoading; f < m_folds.size(); ++f) {
            const std::int64_t start = m_schedule.folds[f].loadStart;
            if (start > m_cycle)
                break;
            const Fold& fold = m_folds[f];
            for (std::int64_t c = 0; c < fold.colsUsed; ++c) {
                const std::int64_t j = m_cycle - start - c;
                if (j < 0 || j >= fold.rowsUsed)
                    continue;
                if (busUser[static_cast<std::size_t>(c)] >= 0)
                    hazard("two folds on load bus of column " + std::to_string(c), m_cycle);
                busUser[static_cast<std::size_t>(c)] = static_cast<std::int64_t>(f);
                const std::size_t index = slotIndex(static_cast<std::int64_t>(f), j, c);
                checkSlotFree(m_slots[index], j, c);
                writes.emplace_back(
                    index, Slot{m_a(fold.rowBase + j, fold.colBase + c), static_cast<std::int64_t>(f)});
            }
        }
        return writes;
    }

    std::size_t slotIndex(std::int64_t fold, std::int64_t r, std::int64_t c) const
    {
        return static_cast<std::size_t>(fold % 2) * cells() + at(r, c);
    }

    /// A slot may be overwritten only after its previous fold's last operand has passed the PE.
    void checkSlotFree(const Slot& slot, std::int64_t r, std::int64_t c) const
    {
        if (slot.fold < 0)
            return;
        const std::int64_t lastUse =
            m_schedule.folds[static_cast<std::size_t>(slot.fold)].streamStart + m_mapping.time - 1 + r + c;
        if (m_cycle <= lastUse)
            hazard("weight slot of PE(" + std::to_string(r) + "," + std::to_string(c) +
                       ") overwritten in use",
                   m_cycle);
    }

    Token feed(std::int64_t r) const
    {
        const std::int64_t f = streamingFold(m_cycle, r);
        if (f < 0)
            return Token{};
        const Fold& fold = m_folds[static_cast<std::size_t>(f)];
        if (r >= fold.rowsUsed)
            return Token{};
        const std::int64_t t = m_cycle - r - m_schedule.folds[static_cast<std::size_t>(f)].streamStart;
        return Token{m_x(t, fold.rowBase + r), f, t};
    }

    void computePes()
    {
        for (std::int64_t r = 0; r < m_rows; ++r) {
            const Token rowInput = feed(r);
            for (std::int64_t c = 0; c < m_cols; ++c)
                computePe(r, c, c == 0 ? rowInput : m_act[at(r, c - 1)]);
        }
    }

    void computePe(std::int64_t r, std::int64_t c, const Token& input)
    {
        const std::size_t here = at(r, c);
        m_actNext[here] = input;
        const Token above = r == 0 ? Token{} : m_psum[at(r - 1, c)];
        if (!input.valid()) {
            m_psumNext[here] = above;
            return;
        }
        const Slot& slot = m_slots[slotIndex(input.fold, r, c)];
        if (slot.fold != input.fold) {
            m_psumNext[here] = Token{};
            return;
        }
        if (r > 0 && (above.fold != input.fold || above.step != input.step))
            hazard("partial sum out of step at PE(" + std::to_string(r) + "," + std::to_string(c) + ")",
                   m_cycle);
        m_psumNext[here] =
            Token{(r == 0 ? 0 : above.value) + slot.value * input.value, input.fold, input.step};
    }

    std::int64_t m_rows;
    std::int64_t m_cols;
    Eigen::MatrixXi m_a;
    Eigen::MatrixXi m_x;
    bool m_transposeOut;
    FoldMapping m_mapping;
    std::vector<Fold> m_folds;
    NativeSchedule m_schedule;
    std::vector<std::int64_t> m_streamStarts;
    std::vector<Token> m_act, m_actNext, m_psum, m_psumNext;
    std::vector<Slot> m_slots;
    Eigen::MatrixXi m_y;
    Eigen::MatrixXi m_contributions;
    std::int64_t m_expectedWrites = 0;
    std::size_t m_firstLoading = 0;
};

} // namespace

std::unique_ptr<GridEngine> makeStationaryGrid(const ArraySpec& spec, const CodeMatrix& weights,
                                               const CodeMatrix& inputs)
{
    const Eigen::MatrixXi w = weights.cast<int>();
    const Eigen::MatrixXi q = inputs.cast<int>();
    if (spec.dataflow == Dataflow::WS)
        return std::make_unique<StationaryGrid>(spec, w, q, false);
    return std::make_unique<StationaryGrid>(spec, Eigen::MatrixXi(q.transpose()),
                                            Eigen::MatrixXi(w.transpose()), true);
}

} // namespace voltsim::models::detail
