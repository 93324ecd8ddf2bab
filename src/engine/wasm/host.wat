;; Host-side arithmetic of the CPU training step that is not a matrix product, as WebAssembly
;; SIMD: a plain JS loop over typed arrays costs several nanoseconds per element, and Adam alone
;; was a fifth of a classroom step. Every function does exactly the IEEE operations of its JS
;; twin in hostMath.ts, in the same order, so results are bit for bit the same (host.test.ts).
;; Compiled by `npm run build:wasm` into host.generated.ts. Its memory is imported: a memory of
;; its own for the host's buffers, or tfjs-wasm's, to work on the backend's tensors where they lie.
(module
  (import "env" "memory" (memory 1))
  ;; Adam in place over n float32 values at byte offsets p, g, m, v (16-byte aligned), in float64
  ;; as hostMath.adamUpdate: four values per iteration as two f64x2 halves, then one at a time.
  (func (export "adam") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
        (param $stepSize f64) (param $sqrtBias2 f64) (param $beta1 f64) (param $rest1 f64) (param $beta2 f64) (param $rest2 f64) (param $eps f64)
    (local $i i32) (local $end4 i32) (local $o i32)
    (local $sS v128) (local $sB v128) (local $b1 v128) (local $r1 v128) (local $b2 v128) (local $r2 v128) (local $ep v128)
    (local $g4 v128) (local $m4 v128) (local $v4 v128) (local $p4 v128)
    (local $gl v128) (local $gh v128) (local $ml v128) (local $mh v128) (local $vl v128) (local $vh v128) (local $pl v128) (local $ph v128)
    (local $gs f64) (local $ms f64) (local $vs f64)
    (local.set $sS (f64x2.splat (local.get $stepSize)))
    (local.set $sB (f64x2.splat (local.get $sqrtBias2)))
    (local.set $b1 (f64x2.splat (local.get $beta1)))
    (local.set $r1 (f64x2.splat (local.get $rest1)))
    (local.set $b2 (f64x2.splat (local.get $beta2)))
    (local.set $r2 (f64x2.splat (local.get $rest2)))
    (local.set $ep (f64x2.splat (local.get $eps)))
    (local.set $end4 (i32.and (local.get $n) (i32.const -4)))
    (block $done4
      (loop $four
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $g4 (v128.load (i32.add (local.get $g) (local.get $o))))
        (local.set $m4 (v128.load (i32.add (local.get $m) (local.get $o))))
        (local.set $v4 (v128.load (i32.add (local.get $v) (local.get $o))))
        (local.set $p4 (v128.load (i32.add (local.get $p) (local.get $o))))
        (local.set $gl (f64x2.promote_low_f32x4 (local.get $g4)))
        (local.set $gh (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g4) (local.get $g4))))
        ;; m, v
        (local.set $ml (f64x2.add (f64x2.mul (local.get $b1) (f64x2.promote_low_f32x4 (local.get $m4))) (f64x2.mul (local.get $r1) (local.get $gl))))
        (local.set $mh (f64x2.add (f64x2.mul (local.get $b1) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $m4) (local.get $m4)))) (f64x2.mul (local.get $r1) (local.get $gh))))
        (local.set $vl (f64x2.add (f64x2.mul (local.get $b2) (f64x2.promote_low_f32x4 (local.get $v4))) (f64x2.mul (f64x2.mul (local.get $r2) (local.get $gl)) (local.get $gl))))
        (local.set $vh (f64x2.add (f64x2.mul (local.get $b2) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v4) (local.get $v4)))) (f64x2.mul (f64x2.mul (local.get $r2) (local.get $gh)) (local.get $gh))))
        (v128.store (i32.add (local.get $m) (local.get $o))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $ml)) (f32x4.demote_f64x2_zero (local.get $mh))))
        (v128.store (i32.add (local.get $v) (local.get $o))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $vl)) (f32x4.demote_f64x2_zero (local.get $vh))))
        ;; p -= (stepSize·m) / (sqrt(v) / sqrtBias2 + eps)
        (local.set $pl (f64x2.sub (f64x2.promote_low_f32x4 (local.get $p4))
          (f64x2.div (f64x2.mul (local.get $sS) (local.get $ml)) (f64x2.add (f64x2.div (f64x2.sqrt (local.get $vl)) (local.get $sB)) (local.get $ep)))))
        (local.set $ph (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $p4) (local.get $p4)))
          (f64x2.div (f64x2.mul (local.get $sS) (local.get $mh)) (f64x2.add (f64x2.div (f64x2.sqrt (local.get $vh)) (local.get $sB)) (local.get $ep)))))
        (v128.store (i32.add (local.get $p) (local.get $o))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $pl)) (f32x4.demote_f64x2_zero (local.get $ph))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $four)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gs (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $o)))))
        (local.set $ms (f64.add (f64.mul (local.get $beta1) (f64.promote_f32 (f32.load (i32.add (local.get $m) (local.get $o))))) (f64.mul (local.get $rest1) (local.get $gs))))
        (local.set $vs (f64.add (f64.mul (local.get $beta2) (f64.promote_f32 (f32.load (i32.add (local.get $v) (local.get $o))))) (f64.mul (f64.mul (local.get $rest2) (local.get $gs)) (local.get $gs))))
        (f32.store (i32.add (local.get $m) (local.get $o)) (f32.demote_f64 (local.get $ms)))
        (f32.store (i32.add (local.get $v) (local.get $o)) (f32.demote_f64 (local.get $vs)))
        (f32.store (i32.add (local.get $p) (local.get $o))
          (f32.demote_f64 (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $p) (local.get $o))))
            (f64.div (f64.mul (local.get $stepSize) (local.get $ms)) (f64.add (f64.div (f64.sqrt (local.get $vs)) (local.get $sqrtBias2)) (local.get $eps))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $one))))

  ;; Noise pixels first … first + 3 of the set `seed` (random.ts noisePixel): hash32(hash32(i ^ seed) + seed),
  ;; hash32 being lowbias32, its top 24 bits as [0, 2), minus 1; every step exact in float32. The two
  ;; hashes are one loop run twice rather than calls (a call per hash cost a fifth of a batch's fill),
  ;; and the top 24 bits convert as signed (the same value, one instruction where unsigned takes several).
  (func $noise4 (param $seed i32) (param $first i32) (result v128)
    (local $s v128) (local $x v128) (local $second i32)
    (local.set $s (i32x4.splat (local.get $seed)))
    (local.set $x (v128.xor (i32x4.add (i32x4.splat (local.get $first)) (v128.const i32x4 0 1 2 3)) (local.get $s)))
    (loop $hash
      (local.set $x (v128.xor (local.get $x) (i32x4.shr_u (local.get $x) (i32.const 16))))
      (local.set $x (i32x4.mul (local.get $x) (i32x4.splat (i32.const 0x7feb352d))))
      (local.set $x (v128.xor (local.get $x) (i32x4.shr_u (local.get $x) (i32.const 15))))
      (local.set $x (i32x4.mul (local.get $x) (i32x4.splat (i32.const 0x846ca68b))))
      (local.set $x (v128.xor (local.get $x) (i32x4.shr_u (local.get $x) (i32.const 16))))
      (if (i32.eqz (local.get $second))
        (then
          (local.set $x (i32x4.add (local.get $x) (local.get $s)))
          (local.set $second (i32.const 1))
          (br $hash))))
    (f32x4.sub
      (f32x4.mul (f32x4.convert_i32x4_s (i32x4.shr_u (local.get $x) (i32.const 8))) (f32x4.splat (f32.const 0x1p-23)))
      (f32x4.splat (f32.const 1))))

  ;; Rows r … r + 3, columns c … c + 3 of a batch of 784-float rows (a, b, d, e: one row each) at byte
  ;; offset out, and, when outT ≠ 0, the same 4×4 block turned in registers into the transposed
  ;; batch ([784, n]) at outT, so that each transposed store writes four neighbouring floats.
  (func $store4Rows (param $a v128) (param $b v128) (param $d v128) (param $e v128)
    (param $out i32) (param $outT i32) (param $r i32) (param $c i32) (param $n i32)
    (local $t i32) (local $colStride i32) (local $lo1 v128) (local $hi1 v128) (local $lo2 v128) (local $hi2 v128)
    (local.set $t (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $r) (i32.const 784)) (local.get $c)) (i32.const 2))))
    (v128.store (local.get $t) (local.get $a))
    (v128.store offset=3136 (local.get $t) (local.get $b))
    (v128.store offset=6272 (local.get $t) (local.get $d))
    (v128.store offset=9408 (local.get $t) (local.get $e))
    (if (local.get $outT)
      (then
        (local.set $colStride (i32.shl (local.get $n) (i32.const 2)))
        (local.set $lo1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
        (local.set $hi1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $lo2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $d) (local.get $e)))
        (local.set $hi2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $d) (local.get $e)))
        ;; column c + j, rows r … r + 3
        (local.set $t (i32.add (local.get $outT) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $n)) (local.get $r)) (i32.const 2))))
        (v128.store (local.get $t) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $lo1) (local.get $lo2)))
        (local.set $t (i32.add (local.get $t) (local.get $colStride)))
        (v128.store (local.get $t) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $lo1) (local.get $lo2)))
        (local.set $t (i32.add (local.get $t) (local.get $colStride)))
        (v128.store (local.get $t) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $hi1) (local.get $hi2)))
        (local.set $t (i32.add (local.get $t) (local.get $colStride)))
        (v128.store (local.get $t) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $hi1) (local.get $hi2))))))

  ;; Row r, columns c … c + 3 (a), as $store4Rows for a single row (the last n mod 4 rows of a batch).
  (func $store1Row (param $a v128) (param $out i32) (param $outT i32) (param $r i32) (param $c i32) (param $n i32)
    (local $t i32) (local $colStride i32)
    (v128.store (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $r) (i32.const 784)) (local.get $c)) (i32.const 2))) (local.get $a))
    (if (local.get $outT)
      (then
        (local.set $colStride (i32.shl (local.get $n) (i32.const 2)))
        (local.set $t (i32.add (local.get $outT) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $n)) (local.get $r)) (i32.const 2))))
        (f32.store (local.get $t) (f32x4.extract_lane 0 (local.get $a)))
        (local.set $t (i32.add (local.get $t) (local.get $colStride)))
        (f32.store (local.get $t) (f32x4.extract_lane 1 (local.get $a)))
        (local.set $t (i32.add (local.get $t) (local.get $colStride)))
        (f32.store (local.get $t) (f32x4.extract_lane 2 (local.get $a)))
        (local.set $t (i32.add (local.get $t) (local.get $colStride)))
        (f32.store (local.get $t) (f32x4.extract_lane 3 (local.get $a))))))

  ;; Where image r of a batch starts in its set: idx[r] · 784 (u32 indices at byte offset idx).
  (func $imageStart (param $idx i32) (param $r i32) (result i32)
    (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $r) (i32.const 2)))) (i32.const 784)))

  ;; random.ts fillNoise: noise images idx[0 … n−1] of the set `seed`, as rows of 784 floats at
  ;; byte offset out, and, when outT ≠ 0, transposed ([784, n]) at outT; four rows at a time.
  (func (export "noise") (param $seed i32) (param $idx i32) (param $n i32) (param $out i32) (param $outT i32)
    (local $r i32) (local $c i32) (local $at0 i32) (local $at1 i32) (local $at2 i32) (local $at3 i32)
    (block $doneBlocks
      (loop $blocks
        (br_if $doneBlocks (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $n)))
        (local.set $at0 (call $imageStart (local.get $idx) (local.get $r)))
        (local.set $at1 (call $imageStart (local.get $idx) (i32.add (local.get $r) (i32.const 1))))
        (local.set $at2 (call $imageStart (local.get $idx) (i32.add (local.get $r) (i32.const 2))))
        (local.set $at3 (call $imageStart (local.get $idx) (i32.add (local.get $r) (i32.const 3))))
        (local.set $c (i32.const 0))
        (loop $cols
          (call $store4Rows
            (call $noise4 (local.get $seed) (i32.add (local.get $at0) (local.get $c)))
            (call $noise4 (local.get $seed) (i32.add (local.get $at1) (local.get $c)))
            (call $noise4 (local.get $seed) (i32.add (local.get $at2) (local.get $c)))
            (call $noise4 (local.get $seed) (i32.add (local.get $at3) (local.get $c)))
            (local.get $out) (local.get $outT) (local.get $r) (local.get $c) (local.get $n))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br_if $cols (i32.lt_u (local.get $c) (i32.const 784))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $blocks)))
    (block $doneRows
      (loop $rows
        (br_if $doneRows (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $at0 (call $imageStart (local.get $idx) (local.get $r)))
        (local.set $c (i32.const 0))
        (loop $cols1
          (call $store1Row
            (call $noise4 (local.get $seed) (i32.add (local.get $at0) (local.get $c)))
            (local.get $out) (local.get $outT) (local.get $r) (local.get $c) (local.get $n))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br_if $cols1 (i32.lt_u (local.get $c) (i32.const 784))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; Pixels at … at + 3 of a set of images (bytes at byte offset pixels) as the models' inputs: each
  ;; byte looked up in the float32 table of 256 inputs at byte offset table (constants.ts PIXEL_INPUTS).
  (func $pixels4 (param $table i32) (param $pixels i32) (param $at i32) (result v128)
    (local $bytes i32)
    (local.set $bytes (i32.load align=1 (i32.add (local.get $pixels) (local.get $at))))
    (f32x4.replace_lane 3
      (f32x4.replace_lane 2
        (f32x4.replace_lane 1
          (f32x4.splat (f32.load (i32.add (local.get $table) (i32.shl (i32.and (local.get $bytes) (i32.const 255)) (i32.const 2)))))
          (f32.load (i32.add (local.get $table) (i32.shl (i32.and (i32.shr_u (local.get $bytes) (i32.const 8)) (i32.const 255)) (i32.const 2)))))
        (f32.load (i32.add (local.get $table) (i32.shl (i32.and (i32.shr_u (local.get $bytes) (i32.const 16)) (i32.const 255)) (i32.const 2)))))
      (f32.load (i32.add (local.get $table) (i32.shl (i32.shr_u (local.get $bytes) (i32.const 24)) (i32.const 2))))))

  ;; data.ts fillImages: images idx[0 … n−1] of a set (bytes at byte offset pixels) as the models'
  ;; inputs, rows of 784 floats at byte offset out and, when outT ≠ 0, transposed ([784, n]) at outT.
  (func (export "images") (param $table i32) (param $pixels i32) (param $idx i32) (param $n i32) (param $out i32) (param $outT i32)
    (local $r i32) (local $c i32) (local $at0 i32) (local $at1 i32) (local $at2 i32) (local $at3 i32)
    (block $doneBlocks
      (loop $blocks
        (br_if $doneBlocks (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $n)))
        (local.set $at0 (call $imageStart (local.get $idx) (local.get $r)))
        (local.set $at1 (call $imageStart (local.get $idx) (i32.add (local.get $r) (i32.const 1))))
        (local.set $at2 (call $imageStart (local.get $idx) (i32.add (local.get $r) (i32.const 2))))
        (local.set $at3 (call $imageStart (local.get $idx) (i32.add (local.get $r) (i32.const 3))))
        (local.set $c (i32.const 0))
        (loop $cols
          (call $store4Rows
            (call $pixels4 (local.get $table) (local.get $pixels) (i32.add (local.get $at0) (local.get $c)))
            (call $pixels4 (local.get $table) (local.get $pixels) (i32.add (local.get $at1) (local.get $c)))
            (call $pixels4 (local.get $table) (local.get $pixels) (i32.add (local.get $at2) (local.get $c)))
            (call $pixels4 (local.get $table) (local.get $pixels) (i32.add (local.get $at3) (local.get $c)))
            (local.get $out) (local.get $outT) (local.get $r) (local.get $c) (local.get $n))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br_if $cols (i32.lt_u (local.get $c) (i32.const 784))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $blocks)))
    (block $doneRows
      (loop $rows
        (br_if $doneRows (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $at0 (call $imageStart (local.get $idx) (local.get $r)))
        (local.set $c (i32.const 0))
        (loop $cols1
          (call $store1Row
            (call $pixels4 (local.get $table) (local.get $pixels) (i32.add (local.get $at0) (local.get $c)))
            (local.get $out) (local.get $outT) (local.get $r) (local.get $c) (local.get $n))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br_if $cols1 (i32.lt_u (local.get $c) (i32.const 784))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

;; The elementwise passes of the step's forward and backward (hostMath.ts has their JS twins):
  ;; each is a few nanoseconds per element as a JS loop and a launch plus a pass as a tfjs kernel.

  ;; dst ([cols, rows], byte offset dst) = src ([rows, cols]) transposed: 4×4 blocks turned in
  ;; registers, then the last cols mod 4 columns and rows mod 4 rows one value at a time.
  (func (export "transpose") (param $src i32) (param $rows i32) (param $cols i32) (param $dst i32)
    (local $r i32) (local $c i32) (local $rows4 i32) (local $cols4 i32) (local $rowBytes i32) (local $colBytes i32)
    (local $s i32) (local $t i32)
    (local $a v128) (local $b v128) (local $d v128) (local $e v128) (local $lo1 v128) (local $hi1 v128) (local $lo2 v128) (local $hi2 v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $colBytes (i32.shl (local.get $rows) (i32.const 2)))
    (block $doneBlocks
      (loop $blocks
        (br_if $doneBlocks (i32.ge_u (local.get $r) (local.get $rows4)))
        (local.set $c (i32.const 0))
        (block $doneCols
          (loop $cols
            (br_if $doneCols (i32.ge_u (local.get $c) (local.get $cols4)))
            (local.set $s (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))
            (local.set $a (v128.load (local.get $s)))
            (local.set $b (v128.load (i32.add (local.get $s) (local.get $rowBytes))))
            (local.set $d (v128.load (i32.add (local.get $s) (i32.shl (local.get $rowBytes) (i32.const 1)))))
            (local.set $e (v128.load (i32.add (local.get $s) (i32.mul (local.get $rowBytes) (i32.const 3)))))
            (local.set $lo1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
            (local.set $hi1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
            (local.set $lo2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $d) (local.get $e)))
            (local.set $hi2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $d) (local.get $e)))
            (local.set $t (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2))))
            (v128.store (local.get $t) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $lo1) (local.get $lo2)))
            (local.set $t (i32.add (local.get $t) (local.get $colBytes)))
            (v128.store (local.get $t) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $lo1) (local.get $lo2)))
            (local.set $t (i32.add (local.get $t) (local.get $colBytes)))
            (v128.store (local.get $t) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $hi1) (local.get $hi2)))
            (local.set $t (i32.add (local.get $t) (local.get $colBytes)))
            (v128.store (local.get $t) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $hi1) (local.get $hi2)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $blocks)))
    ;; columns cols4 … cols − 1 of the first rows4 rows
    (local.set $r (i32.const 0))
    (block $doneTailRows
      (loop $tailRows
        (br_if $doneTailRows (i32.ge_u (local.get $r) (local.get $rows4)))
        (local.set $c (local.get $cols4))
        (block $doneTailCols
          (loop $tailCols
            (br_if $doneTailCols (i32.ge_u (local.get $c) (local.get $cols)))
            (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
              (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $tailCols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $tailRows)))
    ;; every column of the last rows mod 4 rows
    (local.set $r (local.get $rows4))
    (block $doneLastRows
      (loop $lastRows
        (br_if $doneLastRows (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $doneLastCols
          (loop $lastCols
            (br_if $doneLastCols (i32.ge_u (local.get $c) (local.get $cols)))
            (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
              (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $lastCols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $lastRows))))

  ;; out = relu(z + bias) over [rows, cols] (in place when out = z), the bias per row (perRow ≠ 0)
  ;; or per column; relu(x) = x where x > 0, else +0 (as tfjs's relu on every non-NaN value).
  (func (export "biasRelu") (param $z i32) (param $bias i32) (param $rows i32) (param $cols i32) (param $perRow i32) (param $out i32)
    (local $r i32) (local $c i32) (local $cols4 i32) (local $o i32) (local $b v128) (local $x v128) (local $xs f32)
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (block $doneRows
      (loop $rowLoop
        (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
        (if (local.get $perRow)
          (then (local.set $b (v128.load32_splat (i32.add (local.get $bias) (i32.shl (local.get $r) (i32.const 2)))))))
        (local.set $c (i32.const 0))
        (block $doneFour
          (loop $four
            (br_if $doneFour (i32.ge_u (local.get $c) (local.get $cols4)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))
            (if (i32.eqz (local.get $perRow))
              (then (local.set $b (v128.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))))
            (local.set $x (f32x4.add (v128.load (i32.add (local.get $z) (local.get $o))) (local.get $b)))
            (v128.store (i32.add (local.get $out) (local.get $o)) (v128.and (local.get $x) (f32x4.gt (local.get $x) (f32x4.splat (f32.const 0)))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $four)))
        (block $doneOne
          (loop $one
            (br_if $doneOne (i32.ge_u (local.get $c) (local.get $cols)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))
            (local.set $xs (f32.add (f32.load (i32.add (local.get $z) (local.get $o)))
              (f32.load (i32.add (local.get $bias) (i32.shl (select (local.get $r) (local.get $c) (local.get $perRow)) (i32.const 2))))))
            (f32.store (i32.add (local.get $out) (local.get $o)) (select (local.get $xs) (f32.const 0) (f32.gt (local.get $xs) (f32.const 0))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $one)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; out = q · (h > 0 ? 1 : 0) over n values (in place when out = q): the gradient through relu,
  ;; its mask read from relu's output, a float32 product as tfjs's mul(q, step(h)).
  (func (export "mask") (param $q i32) (param $h i32) (param $n i32) (param $out i32)
    (local $i i32) (local $o i32) (local $n4 i32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $doneFour
      (loop $four
        (br_if $doneFour (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (v128.store (i32.add (local.get $out) (local.get $o))
          (f32x4.mul (v128.load (i32.add (local.get $q) (local.get $o)))
            (v128.and (f32x4.gt (v128.load (i32.add (local.get $h) (local.get $o))) (f32x4.splat (f32.const 0))) (f32x4.splat (f32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $four)))
    (block $doneOne
      (loop $one
        (br_if $doneOne (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (f32.store (i32.add (local.get $out) (local.get $o))
          (f32.mul (f32.load (i32.add (local.get $q) (local.get $o)))
            (select (f32.const 1) (f32.const 0) (f32.gt (f32.load (i32.add (local.get $h) (local.get $o))) (f32.const 0)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $one))))

  ;; out[c] = +0 + d[0, c] + d[1, c] + … over [rows, cols], row by row in float32: a bias's gradient,
  ;; summed in the order tfjs-wasm's ones·d product sums it.
  (func (export "colSums") (param $d i32) (param $rows i32) (param $cols i32) (param $out i32)
    (local $r i32) (local $c i32) (local $cols4 i32) (local $o i32) (local $t i32)
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (block $doneZero
      (loop $zero
        (br_if $doneZero (i32.ge_u (local.get $c) (local.get $cols)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))) (f32.const 0))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $zero)))
    (block $doneRows
      (loop $rowLoop
        (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $doneFour
          (loop $four
            (br_if $doneFour (i32.ge_u (local.get $c) (local.get $cols4)))
            (local.set $o (i32.shl (local.get $c) (i32.const 2)))
            (local.set $t (i32.add (local.get $out) (local.get $o)))
            (v128.store (local.get $t)
              (f32x4.add (v128.load (local.get $t)) (v128.load (i32.add (local.get $d) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $four)))
        (block $doneOne
          (loop $one
            (br_if $doneOne (i32.ge_u (local.get $c) (local.get $cols)))
            (local.set $t (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))))
            (f32.store (local.get $t)
              (f32.add (f32.load (local.get $t)) (f32.load (i32.add (local.get $d) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $one)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))
)
