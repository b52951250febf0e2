import { expect } from 'chai';
import { createResumePoint } from '../../widget/src/resume.js';

describe('where the widget resumes after a reconnect', () => {
  it('when a reply is still on its way while a later question is acknowledged, then the resume starts before the reply', () => {
    const point = createResumePoint(30_000);
    point.seen(15, 0); // question 8, long ago
    point.seen(17, 40_000); // question 9, acknowledged; reply 16 is still on its way
    expect(point.from(41_000)).to.equal(15);
  });

  it('when the tab just loaded, then it resumes from the start; a new conversation starts over', () => {
    const point = createResumePoint(30_000);
    expect(point.from(0)).to.equal(0);
    point.seen(40, 0);
    point.seen(41, 10_000);
    expect(point.from(35_000)).to.equal(40);
    expect(point.from(45_000)).to.equal(41);
    point.reset();
    expect(point.from(100_000)).to.equal(0);
  });
});
