#ifndef CGRADFLOWKERNELS_H
#define CGRADFLOWKERNELS_H

/// C micro-kernels for GradFlow's GEMM (the blocking, packing and threading live in Swift, in
/// `GradFlowKernels`). How the fast path is built without any compiler flag:
/// 1. `sgemm_kernel_avx2.c` defines its kernel under `__attribute__((target("avx2,fma")))`, so clang
///    may emit AVX2/FMA for that one function while the rest of the package targets baseline x86-64.
/// 2. It is written with `<immintrin.h>` intrinsics (`_mm256_fmadd_ps` on 12 ymm accumulators), so it
///    does not depend on the optimiser vectorising or contracting anything. SwiftPM compiles C with
///    `-O2` in release (seen with `swift build -c release -v`), which keeps all 15 ymm values in
///    registers; debug builds (`-O0`) are slower but still correct.
/// 3. The whole file is guarded by `#if defined(__x86_64__)`; elsewhere the symbol forwards to the
///    portable kernel, so the package builds and links on arm64 too.
/// 4. Swift picks the kernel once at run time with `gradflow_cpu_has_avx2_fma()` (CPUID), so a binary
///    built on one machine runs correctly on any x86-64 CPU.
/// 5. Check: `objdump -d --no-show-raw-insn .build/release/CGradFlowKernels.build/sgemm_kernel_avx2.c.o`
///    shows the k loop (unrolled 4×) as 2 `vmovups`, 6 `vbroadcastss` and 12 `vfmadd231ps %ymm…` per
///    step with no spills.
/// 6. The packing routines follow the same scheme (`sgemm_pack_avx2.c`, `target("avx2")`, 8×8
///    register transposes for the gathers; `sgemm_pack_portable.c` elsewhere). Swift pairs kernel and
///    packers of one instruction set (`GEMMRoutines`), so forcing the portable kernel tests both.

#include <stdint.h>

/// Rows of C computed by one micro-kernel call (register tile height).
#define GRADFLOW_SGEMM_MR 6
/// Columns of C computed by one micro-kernel call (two 8-float vectors; register tile width).
#define GRADFLOW_SGEMM_NR 16

/// Returns 1 when this CPU can run the AVX2 + FMA micro-kernels, 0 otherwise.
int gradflow_cpu_has_avx2_fma(void);

/// Returns 1 when this CPU (and its OS) can run AVX-512F code, 0 otherwise.
int gradflow_cpu_has_avx512f(void);

/// Bytes of one core's L2 cache as the C library reports it (glibc: from CPUID), 0 when unknown.
int64_t gradflow_cpu_l2_bytes(void);

/// A spin-wait hint (`pause` on x86-64, `yield` on arm64): tells the core this thread is polling a
/// flag, which saves power and lets a sibling hyper-thread run. For the thread pool's spin loops.
static inline void gradflow_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// One 6×16 register tile of C: `C[i][j] = (loadC ? C[i][j] : 0) + (bias ? bias[j] : 0) + Σ_p a[p·6+i]·b[p·16+j]`.
///
/// `a` is a packed A micro-panel (`kc` steps of 6 floats), `b` a packed B micro-panel (`kc` steps of 16
/// floats), `c` is row-major with leading dimension `ldc`; all 6×16 elements of C are written.
/// Requires AVX2 and FMA (check `gradflow_cpu_has_avx2_fma()` first). Complexity: `2·6·16·kc` flops.
void gradflow_sgemm_6x16_avx2(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                              int loadC, const float *bias);

/// `gradflow_sgemm_6x16_avx2` reading B unpacked: `b` is row-major with rows `ldb` floats apart (16
/// columns used), so a GEMM whose B fits in L2 need not copy it into panels. The same arithmetic as the
/// packed kernel (bit-identical results). Requires AVX2 and FMA.
void gradflow_sgemm_6x16_avx2_strided_b(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                                        int loadC, const float *bias);

/// `gradflow_sgemm_6x16_avx2_strided_b` for an edge tile: only the first `rows` (≤ 6) rows and `cols`
/// (≤ 16) columns of C (and of `bias`) are read and written, with masked loads and stores; `b` is a
/// packed panel when `ldb` is 16. Bit-identical to the full tile's values there. Requires AVX2 and FMA.
void gradflow_sgemm_6x16_avx2_edge(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                                   int loadC, const float *bias, int64_t rows, int64_t cols);

/// `gradflow_sgemm_6x16_avx2_edge` reading A in place instead of from a packed panel: row i of the
/// tile's A is `a + i·lda` (`kc` contiguous floats; only the first `rows` rows are read). Saves packing
/// an A that is not transposed; the same arithmetic, bit-identical results. Requires AVX2 and FMA.
void gradflow_sgemm_6x16_avx2_unpacked_a(int64_t kc, const float *a, int64_t lda, const float *b, int64_t ldb,
                                         float *c, int64_t ldc, int loadC, const float *bias, int64_t rows,
                                         int64_t cols);

/// The same contract as `gradflow_sgemm_6x16_avx2` with the tile in zmm registers (one B row per
/// vector, A broadcast inside the FMAs): the same packing, bit-identical results. Requires AVX-512F
/// (check `gradflow_cpu_has_avx512f()`).
void gradflow_sgemm_6x16_avx512(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                                int loadC, const float *bias);

/// `gradflow_sgemm_6x16_avx512` reading B unpacked, as `gradflow_sgemm_6x16_avx2_strided_b`.
/// Requires AVX-512F.
void gradflow_sgemm_6x16_avx512_strided_b(int64_t kc, const float *a, const float *b, int64_t ldb, float *c,
                                          int64_t ldc, int loadC, const float *bias);

/// `gradflow_sgemm_6x16_avx512_strided_b` for an edge tile: only the first `rows` (≤ 6) rows and `cols`
/// (≤ 16) columns of C (and of `bias`) are read and written, with masked loads and stores; `b` is a
/// packed panel when `ldb` is 16. Bit-identical to the full tile's values there. Requires AVX-512F.
void gradflow_sgemm_6x16_avx512_edge(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                                     int loadC, const float *bias, int64_t rows, int64_t cols);

/// `gradflow_sgemm_6x16_avx512_edge` reading A in place instead of from a packed panel: row i of the
/// tile's A is `a + i·lda` (`kc` contiguous floats; only the first `rows` rows are read). Saves packing
/// an A that is not transposed; the same arithmetic, bit-identical results. Requires AVX-512F.
void gradflow_sgemm_6x16_avx512_unpacked_a(int64_t kc, const float *a, int64_t lda, const float *b, int64_t ldb,
                                           float *c, int64_t ldc, int loadC, const float *bias, int64_t rows,
                                           int64_t cols);

/// The same contract as `gradflow_sgemm_6x16_avx2`, in plain C that runs on any CPU (the compiler may
/// vectorise it for the baseline instruction set; it never needs FMA).
void gradflow_sgemm_6x16_portable(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                                  int loadC, const float *bias);

/// The first `rows × cols` elements of a tile as plain loops, A element (i, p) at `a[i·aRow + p·aStep]`
/// and B rows `ldb` floats apart: what the x86-only strided, edge and unpacked-A entry points run
/// off x86-64, where they are never chosen but must link and stay correct.
void gradflow_sgemm_tile_plain(int64_t kc, const float *a, int64_t aRow, int64_t aStep, const float *b, int64_t ldb,
                               float *c, int64_t ldc, int loadC, const float *bias, int64_t rows, int64_t cols);

/// Packs the `rows×depth` block of op(A) at `a` into MR-row micro-panels for the micro-kernels:
/// panel `r` holds `op(A)[r·MR + i, p]` at `dst[r·MR·depth + p·MR + i]`, rows past `rows` zero.
/// `transposed`: A is stored `k×m` (`op(A)[i, p] = a[p·lda + i]`), else `m×k` (`a[i·lda + p]`).
/// Writes exactly `⌈rows/MR⌉·MR·depth` floats; O(that) time. Requires AVX2 (8×8 register
/// transposes for the row-major gather).
void gradflow_sgemm_pack_a_avx2(const float *a, int64_t lda, int transposed, int64_t rows,
                                int64_t depth, float *dst);

/// Packs the `depth×cols` block of op(B) at `b` into NR-column micro-panels: panel `s` holds
/// `op(B)[p, s·NR + j]` at `dst[s·NR·depth + p·NR + j]`, columns past `cols` zero.
/// `transposed`: B is stored `n×k` (`op(B)[p, j] = b[j·ldb + p]`), else `k×n` (`b[p·ldb + j]`).
/// Writes exactly `depth·⌈cols/NR⌉·NR` floats; O(that) time. Requires AVX2.
void gradflow_sgemm_pack_b_avx2(const float *b, int64_t ldb, int transposed, int64_t depth,
                                int64_t cols, float *dst);

/// `gradflow_sgemm_pack_a_avx2` in plain C (any CPU; same output).
void gradflow_sgemm_pack_a_portable(const float *a, int64_t lda, int transposed, int64_t rows,
                                    int64_t depth, float *dst);

/// `gradflow_sgemm_pack_b_avx2` in plain C (any CPU; same output).
void gradflow_sgemm_pack_b_portable(const float *b, int64_t ldb, int transposed, int64_t depth,
                                    int64_t cols, float *dst);

/// `C[i][j] = (accumulate ? C[i][j] : 0) + (bias ? bias[j] : 0) + Σ_p a[i·lda + p]·b[p·ldb + j]` for
/// `0 ≤ i < m`, `0 ≤ j < n`, without packing: for a few rows (a prediction for one example), where
/// packing B would cost more than the product. Bit-identical to the packed path with depth blocks of
/// `kc` (the same block sums, bias and C additions in the same order). Requires AVX2 and FMA;
/// O(m·n·k), each B row read m times.
void gradflow_sgemm_small_m_avx2(int64_t m, int64_t n, int64_t k, int64_t kc, const float *a, int64_t lda,
                                 const float *b, int64_t ldb, float *c, int64_t ldc, int accumulate,
                                 const float *bias);

/// `gradflow_sgemm_small_m_avx2` with AVX-512F: 8 zmm accumulators cover 128 columns in one pass over
/// B's rows (AVX2's 16 registers hold 64). Requires AVX-512F (check `gradflow_cpu_has_avx512f()`).
void gradflow_sgemm_small_m_avx512(int64_t m, int64_t n, int64_t k, int64_t kc, const float *a, int64_t lda,
                                   const float *b, int64_t ldb, float *c, int64_t ldc, int accumulate,
                                   const float *bias);

/// `gradflow_sgemm_small_m_avx2` in plain C (any CPU), bit-identical to the portable micro-kernel.
void gradflow_sgemm_small_m_portable(int64_t m, int64_t n, int64_t k, int64_t kc, const float *a, int64_t lda,
                                     const float *b, int64_t ldb, float *c, int64_t ldc, int accumulate,
                                     const float *bias);

/// The row width `xp` needs for the direct convolution of an image whose output rows are
/// `outputWidth` wide with a `kernelWidth`-wide kernel: row segments are read up to the next
/// multiple of 32 outputs (plus 4 floats for the weight gradient's blocks of 5 taps). The padding
/// columns must hold zeros.
int64_t gradflow_conv_direct_padded_width(int64_t outputWidth, int64_t kernelWidth);

/// Direct convolution of one image, stride 1, dilation 1, one group:
/// `y[o][oy][ox] = (accumulate ? y[o][oy][ox] : 0) + bias[o] + Σ_{c, ki, kj} w[o][c][ki][kj] · xp[c][oy + ki][ox + kj]`
/// (`bias` may be NULL: no bias) for `o < outputs`,
/// `oy < oh`, `ox < ow` (`y` is `outputs × oh × ow`, `w` is PyTorch's `[outputs, channels, kh, kw]`).
/// `xp` is the zero-padded image, `channels` planes of `ph = oh + kh − 1` rows of
/// `pw ≥ gradflow_conv_direct_padded_width(ow, kw)` floats, of which only rows `rowBegin..<rowEnd` may
/// hold nonzeros (taps on the other rows are skipped). The sum over taps starts at 0 and runs in
/// `(c, ki, kj)` order, then the bias is added. Requires AVX2 and FMA; O(outputs·oh·ow·channels·kh·kw).
void gradflow_conv_direct_forward_avx2(const float *xp, int64_t channels, int64_t ph, int64_t pw, const float *w,
                                       int64_t outputs, int64_t kh, int64_t kw, const float *bias, float *y,
                                       int64_t oh, int64_t ow, int accumulate, int64_t rowBegin, int64_t rowEnd);

/// `gradflow_conv_direct_forward_avx2` with AVX-512F (row segments of 32 outputs). Requires AVX-512F.
void gradflow_conv_direct_forward_avx512(const float *xp, int64_t channels, int64_t ph, int64_t pw, const float *w,
                                         int64_t outputs, int64_t kh, int64_t kw, const float *bias, float *y,
                                         int64_t oh, int64_t ow, int accumulate, int64_t rowBegin, int64_t rowEnd);

/// `gradflow_conv_direct_forward_avx2` in plain C (any CPU).
void gradflow_conv_direct_forward_portable(const float *xp, int64_t channels, int64_t ph, int64_t pw, const float *w,
                                           int64_t outputs, int64_t kh, int64_t kw, const float *bias, float *y,
                                           int64_t oh, int64_t ow, int accumulate, int64_t rowBegin, int64_t rowEnd);

/// The weight gradient of one image's direct convolution (same `xp` and sizes as the forward):
/// `dw[o][c][ki][kj] += Σ_{oy, ox} dy[o][oy][ox] · xp[c][oy + ki][ox + kj]`. Requires AVX2 and FMA;
/// O(outputs·oh·ow·channels·kh·kw).
void gradflow_conv_direct_weight_gradient_avx2(const float *xp, int64_t channels, int64_t ph, int64_t pw,
                                               const float *dy, int64_t outputs, int64_t kh, int64_t kw,
                                               int64_t oh, int64_t ow, float *dw, int64_t rowBegin, int64_t rowEnd);

/// `gradflow_conv_direct_weight_gradient_avx2` with AVX-512F. Requires AVX-512F.
void gradflow_conv_direct_weight_gradient_avx512(const float *xp, int64_t channels, int64_t ph, int64_t pw,
                                                 const float *dy, int64_t outputs, int64_t kh, int64_t kw,
                                                 int64_t oh, int64_t ow, float *dw, int64_t rowBegin, int64_t rowEnd);

/// `gradflow_conv_direct_weight_gradient_avx2` in plain C (any CPU).
void gradflow_conv_direct_weight_gradient_portable(const float *xp, int64_t channels, int64_t ph, int64_t pw,
                                                   const float *dy, int64_t outputs, int64_t kh, int64_t kw,
                                                   int64_t oh, int64_t ow, float *dw, int64_t rowBegin, int64_t rowEnd);

/// Implicit-GEMM convolution forward with AVX-512F (the im2col matrix is never written):
/// `yt[p·o16 + o] = Σ_{t < taps} xp[pixel[p] + tap[t]] · wt[t·o16 + o]` for `p < pixels`, `o < o16`.
/// `xp` is the zero-padded image, `pixel[p]` the offset of output pixel `p`'s window in it,
/// `tap[t]` the offset of tap `t = (c, ki, kj)` within a window; `wt` is `wᵀ` with `o16` (a multiple
/// of 16) columns, zero past the real outputs. The taps are summed in blocks of `block` (all pixels
/// per block, so the block's channels stay in L1; later blocks add to `yt`). Requires AVX-512F;
/// O(pixels·taps·o16).
void gradflow_conv_implicit_forward_avx512(const float *xp, const int32_t *pixel, int64_t pixels, const int32_t *tap,
                                           int64_t taps, int64_t block, const float *wt, int64_t o16, float *yt);

/// The weight gradient of `gradflow_conv_implicit_forward_avx512` (same offsets):
/// `dwt[t·o16 + o] += Σ_{p < pixels} xp[pixel[p] + tap[t]] · dyt[p·o16 + o]`. Requires AVX-512F.
void gradflow_conv_implicit_weight_gradient_avx512(const float *xp, const int32_t *pixel, int64_t pixels,
                                                   const int32_t *tap, int64_t taps, const float *dyt, int64_t o16,
                                                   float *dwt);

/// Floats of the packed Winograd weights `U` for `outputs × channels` 3×3 filters
/// (`16 · outputs rounded up to 8 · channels`).
int64_t gradflow_conv_winograd_weights_count(int64_t outputs, int64_t channels);

/// Floats of one thread's scratch for `gradflow_conv_winograd_forward_avx512` (one chunk of tiles'
/// transformed input and products).
int64_t gradflow_conv_winograd_scratch_count(int64_t outputs, int64_t channels);

/// The Winograd F(2×2, 3×3) weight transform `U = G g Gᵀ` of PyTorch's `w[outputs][channels][3][3]`,
/// packed for the forward's GEMMs into `gradflow_conv_winograd_weights_count` floats (rows past
/// `outputs` zero). Plain C, any CPU.
void gradflow_conv_winograd_weights(const float *w, int64_t outputs, int64_t channels, float *u);

/// Winograd F(2×2, 3×3) convolution of one image, stride 1, dilation 1, one group:
/// `y[k][oy][ox] = (accumulate ? y[k][oy][ox] : 0) + bias[k] + Σ_{c, ki, kj} w[k][c][ki][kj] · xp[c][oy + ki][ox + kj]`
/// (`bias` may be NULL) for `k < outputs`, `oy < oh`, `ox < ow`, with `u` from
/// `gradflow_conv_winograd_weights`. `xp` is the zero-padded image: `channels` planes of
/// `ph ≥ 2·⌈oh/2⌉ + 2` rows of `pw ≥ 2·⌈ow/2⌉ + 2` floats; `scratch` holds
/// `gradflow_conv_winograd_scratch_count` floats. Requires AVX-512F; O(outputs·channels·oh·ow·4).
void gradflow_conv_winograd_forward_avx512(const float *xp, int64_t channels, int64_t ph, int64_t pw, const float *u,
                                           int64_t outputs, int64_t oh, int64_t ow, const float *bias, float *y,
                                           int accumulate, float *scratch);

/// Floats of one thread's scratch for `gradflow_conv_winograd_weight_gradient_avx512` (one chunk of
/// tiles' Ŷ and V) with `o16` and `c16` output and input channels (multiples of 16).
int64_t gradflow_conv_winograd_gradient_scratch_count(int64_t o16, int64_t c16);

/// Copies `x[channels][height][width]` channels-last into the interior of the padded
/// `xhwc[ph][pw][c16]` (`padTop` rows and `padLeft` columns in; rows and columns past `ph`, `pw`
/// dropped). The rest of `xhwc` must hold zeros. Plain C, any CPU.
void gradflow_conv_winograd_channels_last(const float *x, int64_t channels, int64_t height, int64_t width, int64_t padTop,
                                          int64_t padLeft, int64_t ph, int64_t pw, int64_t c16, float *xhwc);

/// The Winograd weight gradient of one image, in the Winograd domain:
/// `du[ξ][k][c] += Σ_tiles (A ∂y Aᵀ)[ξ][k] · (Bᵀ d B)[ξ][c]` for `k < outputs`, `c < c16`, with `xhwc`
/// from `gradflow_conv_winograd_channels_last` (`ph ≥ 2·⌈oh/2⌉ + 2` rows, `pw ≥ 2·⌈ow/2⌉ + 2`), `dyt` the
/// output gradient pixel-major (`dyt[(oy·ow + ox)·o16 + k]`), `scratch` of
/// `gradflow_conv_winograd_gradient_scratch_count` floats. Requires AVX-512F.
void gradflow_conv_winograd_weight_gradient_avx512(const float *xhwc, int64_t pw, int64_t c16, const float *dyt, int64_t o16,
                                                   int64_t outputs, int64_t oh, int64_t ow, float *du, float *scratch);

/// `dw[k][c][3][3] += Gᵀ du[·][k][c] G`: the Winograd-domain weight gradient back to PyTorch's
/// layout. Plain C, any CPU.
void gradflow_conv_winograd_weight_gradient_finish(const float *du, int64_t outputs, int64_t channels, int64_t c16, float *dw);

/// ReLU: `y[i] = max(x[i], 0)` (NaN stays NaN, −0 stays −0), `n ≥ 0`; AVX-512, AVX2 or plain C,
/// chosen by CPUID on each call.
void gradflow_relu_forward(const float *x, float *y, int64_t n);

/// ReLU's backward pass from its output `y`: `dx[i] = (accumulate ? dx[i] : 0) + (y[i] > 0 ? dy[i] : 0)`.
void gradflow_relu_backward(const float *y, const float *dy, float *dx, int64_t n, int accumulate);

/// Plain SGD: `t[i] ← t[i] − eta·(g[i] + decay·t[i])` for `i < n` (the decay term skipped when it is 0),
/// multiply then add, never fused; AVX-512, AVX2 or plain C, chosen by CPUID on each call.
void gradflow_sgd_step(float *t, const float *g, int64_t n, float eta, float decay);

/// `sums[c] += Σ_r m[r·cols + c]` for the `rows × cols` row-major `m`, each column summed row by row
/// (the same bits as the plain loop). AVX-512F only (callers check `gradflow_cpu_has_avx512f()`).
void gradflow_accumulate_column_sums_avx512(const float *m, int64_t rows, int64_t cols, float *sums);

/// `gradflow_accumulate_column_sums_avx512` with AVX2 (eight ymm accumulators; the same bits). Requires
/// AVX2 (callers check `gradflow_cpu_has_avx2_fma()`).
void gradflow_accumulate_column_sums_avx2(const float *m, int64_t rows, int64_t cols, float *sums);

/// Row-wise softmax of the `rows × cols` row-major `x` into `y` (which may alias `x`):
/// `y[r, c] = e^(x[r, c] − max_r) / Σ_c' e^(x[r, c'] − max_r)`, with `VectorMath.exp`'s exponential,
/// bit-identical to `Elementwise.softmaxRowsLoop` (Swift's `SIMD8` loop). Requires AVX2 (callers check
/// `gradflow_cpu_has_avx2_fma()`); `cols ≥ 1`.
void gradflow_softmax_rows_avx2(const float *x, int64_t rows, int64_t cols, float *y);

/// `gradflow_softmax_rows_avx2` of the logits `z` into `p`, and the softmax cross-entropy summed over
/// the rows into `total` (row r: `−log p[r, argmax] − (z[r, labels[r]] − max_r)`, in float, added in
/// double in row order: the same bits as `SoftmaxCE`'s Swift loop). Returns −1, or the first row whose
/// label is not a class index in `0..<cols` (then `total` is not written). Requires AVX2; `cols ≥ 1`.
int64_t gradflow_softmax_ce_rows_avx2(const float *z, const float *labels, int64_t rows, int64_t cols, float *p,
                                      double *total);

/// 2×2 max pooling, stride 2, no padding, of `planes` planes of `height × width` into `oh × ow`
/// (`oh ≤ height / 2`, `ow ≤ width / 2`): `y` the maxima, `won` each one's offset within its input plane;
/// ties to the first of row 0 left, row 0 right, row 1 left, row 1 right (`>` comparisons, so a NaN wins
/// only as the first). AVX-512 where the CPU has it, else plain C.
void gradflow_max_pool2x2(const float *x, int64_t planes, int64_t height, int64_t width, int64_t oh, int64_t ow, float *y,
                          int32_t *won);

/// `dst[j·ldd + i] = src[i·lds + j]` for `i < rows`, `j < columns`, in 16 × 16 blocks. Plain C.
void gradflow_transpose(const float *src, int64_t rows, int64_t columns, int64_t lds, float *dst, int64_t ldd);

#endif
