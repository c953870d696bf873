import { Rng } from '../../src/rng/Rng.js';

/** An `Rng` whose `normal()` returns the given values in order (QInfer's scripted normals); uniforms come from seed 0. */
export class ScriptedRng extends Rng {
  private at = 0;
  constructor(private readonly normals: ArrayLike<number>) {
    super(0);
  }
  override normal(): number {
    if (this.at >= this.normals.length) throw new Error(`ScriptedRng: only ${this.normals.length} normals scripted`);
    return this.normals[this.at++]!;
  }
  /** How many normals were drawn. */
  get used(): number {
    return this.at;
  }
}
