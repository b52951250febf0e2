import { expect } from 'chai';
import { decide, type DecisionThresholds } from '../../../server/matching/decision.js';

/** Fixed thresholds, so these cases test the rules, not the calibrated defaults (docs/matching.md). */
const t: DecisionThresholds = { answer: 0.45, margin: 0.2, clarify: 0.45, clarifyBand: 0.2, maxChoices: 4, sameFieldClarify: 0.4 };

describe('matching: deciding from confidences', () => {
  it('when the best candidate is confident and well ahead, then it is the answer', () => {
    expect(decide([0.8, 0.3, 0.2], t)).to.deep.equal({ decision: 'answer', reason: 'confident' });
  });

  it('when the best candidate is confident but the runner-up is close, then both are offered', () => {
    expect(decide([0.8, 0.75, 0.3], t)).to.deep.equal({ decision: 'clarify', reason: 'close', choices: 2 });
  });

  it('when several candidates are close, then at most maxChoices are offered', () => {
    expect(decide([0.6, 0.58, 0.57, 0.56, 0.55, 0.54], t)).to.deep.equal({ decision: 'clarify', reason: 'close', choices: 4 });
    expect(decide([0.6, 0.58, 0.57, 0.56], { ...t, maxChoices: 2 })).to.deep.equal({ decision: 'clarify', reason: 'close', choices: 2 });
  });

  it('when nothing reaches the clarify threshold, then it goes to a person', () => {
    expect(decide([0.3, 0.2], t)).to.deep.equal({ decision: 'escalate', reason: 'low_confidence' });
    expect(decide([], t)).to.deep.equal({ decision: 'escalate', reason: 'no_match' });
  });

  it('when the unsure best three all belong to one field, then they are offered rather than escalated', () => {
    const scores = [0.42, 0.4, 0.39];
    expect(decide(scores, t, ['dat-dai', 'dat-dai', 'dat-dai'])).to.deep.equal({ decision: 'clarify', reason: 'close', choices: 3 });
    expect(decide(scores, t, ['dat-dai', 'thue', 'dat-dai'])).to.deep.equal({ decision: 'escalate', reason: 'low_confidence' });
  });

  it('when the best is moderately confident and alone, then the runner-up is added so the citizen has a choice', () => {
    expect(decide([0.5, 0.36, 0.1], t)).to.deep.equal({ decision: 'clarify', reason: 'close', choices: 2 });
  });
});
