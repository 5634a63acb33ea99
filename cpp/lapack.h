// lapack.h: the LAPACK (and the few BLAS-3) routines linalg.cc calls, from scipy-openblas32
// (every build links it; its symbols carry a scipy_ prefix and take 32-bit integers). Overloads
// on float and double pick the s- or d- routine. Column-major, Fortran conventions: every
// argument by pointer, info out. No other file includes this header.
#pragma once

#include <cstddef>

extern "C" {
// clang-format off
void scipy_spotrf_(const char*, const int*, float*, const int*, int*, size_t);
void scipy_dpotrf_(const char*, const int*, double*, const int*, int*, size_t);
void scipy_sgetrf_(const int*, const int*, float*, const int*, int*, int*);
void scipy_dgetrf_(const int*, const int*, double*, const int*, int*, int*);
void scipy_sgetri_(const int*, float*, const int*, const int*, float*, const int*, int*);
void scipy_dgetri_(const int*, double*, const int*, const int*, double*, const int*, int*);
void scipy_sgetrs_(const char*, const int*, const int*, const float*, const int*, const int*, float*, const int*, int*, size_t);
void scipy_dgetrs_(const char*, const int*, const int*, const double*, const int*, const int*, double*, const int*, int*, size_t);
void scipy_strsm_(const char*, const char*, const char*, const char*, const int*, const int*, const float*, const float*, const int*, float*, const int*, size_t, size_t, size_t, size_t);
void scipy_dtrsm_(const char*, const char*, const char*, const char*, const int*, const int*, const double*, const double*, const int*, double*, const int*, size_t, size_t, size_t, size_t);
void scipy_sgeqrf_(const int*, const int*, float*, const int*, float*, float*, const int*, int*);
void scipy_dgeqrf_(const int*, const int*, double*, const int*, double*, double*, const int*, int*);
void scipy_sorgqr_(const int*, const int*, const int*, float*, const int*, const float*, float*, const int*, int*);
void scipy_dorgqr_(const int*, const int*, const int*, double*, const int*, const double*, double*, const int*, int*);
void scipy_sgesdd_(const char*, const int*, const int*, float*, const int*, float*, float*, const int*, float*, const int*, float*, const int*, int*, int*, size_t);
void scipy_dgesdd_(const char*, const int*, const int*, double*, const int*, double*, double*, const int*, double*, const int*, double*, const int*, int*, int*, size_t);
void scipy_ssyevd_(const char*, const char*, const int*, float*, const int*, float*, float*, const int*, int*, const int*, int*, size_t, size_t);
void scipy_dsyevd_(const char*, const char*, const int*, double*, const int*, double*, double*, const int*, int*, const int*, int*, size_t, size_t);
void scipy_dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, const double*, const int*, const double*, const int*, const double*, double*, const int*, size_t, size_t);
void scipy_sgelsd_(const int*, const int*, const int*, float*, const int*, float*, const int*, float*, const float*, int*, float*, const int*, int*, int*);
void scipy_dgelsd_(const int*, const int*, const int*, double*, const int*, double*, const int*, double*, const double*, int*, double*, const int*, int*, int*);
int scipy_openblas_get_num_threads(void);
void scipy_openblas_set_num_threads(int);
// clang-format on
}

namespace tfl {
namespace lapack {

// clang-format off
inline void potrf(char u, int n, float* a, int lda, int* info) { scipy_spotrf_(&u, &n, a, &lda, info, 1); }
inline void potrf(char u, int n, double* a, int lda, int* info) { scipy_dpotrf_(&u, &n, a, &lda, info, 1); }
inline void getrf(int m, int n, float* a, int lda, int* piv, int* info) { scipy_sgetrf_(&m, &n, a, &lda, piv, info); }
inline void getrf(int m, int n, double* a, int lda, int* piv, int* info) { scipy_dgetrf_(&m, &n, a, &lda, piv, info); }
inline void getri(int n, float* a, int lda, const int* piv, float* w, int lw, int* info) { scipy_sgetri_(&n, a, &lda, piv, w, &lw, info); }
inline void getri(int n, double* a, int lda, const int* piv, double* w, int lw, int* info) { scipy_dgetri_(&n, a, &lda, piv, w, &lw, info); }
inline void getrs(char t, int n, int k, const float* a, int lda, const int* piv, float* b, int ldb, int* info) { scipy_sgetrs_(&t, &n, &k, a, &lda, piv, b, &ldb, info, 1); }
inline void getrs(char t, int n, int k, const double* a, int lda, const int* piv, double* b, int ldb, int* info) { scipy_dgetrs_(&t, &n, &k, a, &lda, piv, b, &ldb, info, 1); }
inline void trsm(char side, char uplo, char ta, char diag, int m, int n, float alpha, const float* a, int lda, float* b, int ldb) { scipy_strsm_(&side, &uplo, &ta, &diag, &m, &n, &alpha, a, &lda, b, &ldb, 1, 1, 1, 1); }
inline void trsm(char side, char uplo, char ta, char diag, int m, int n, double alpha, const double* a, int lda, double* b, int ldb) { scipy_dtrsm_(&side, &uplo, &ta, &diag, &m, &n, &alpha, a, &lda, b, &ldb, 1, 1, 1, 1); }
inline void geqrf(int m, int n, float* a, int lda, float* tau, float* w, int lw, int* info) { scipy_sgeqrf_(&m, &n, a, &lda, tau, w, &lw, info); }
inline void geqrf(int m, int n, double* a, int lda, double* tau, double* w, int lw, int* info) { scipy_dgeqrf_(&m, &n, a, &lda, tau, w, &lw, info); }
inline void orgqr(int m, int n, int k, float* a, int lda, const float* tau, float* w, int lw, int* info) { scipy_sorgqr_(&m, &n, &k, a, &lda, tau, w, &lw, info); }
inline void orgqr(int m, int n, int k, double* a, int lda, const double* tau, double* w, int lw, int* info) { scipy_dorgqr_(&m, &n, &k, a, &lda, tau, w, &lw, info); }
inline void gesdd(char job, int m, int n, float* a, int lda, float* s, float* u, int ldu, float* vt, int ldvt, float* w, int lw, int* iw, int* info) { scipy_sgesdd_(&job, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, w, &lw, iw, info, 1); }
inline void gesdd(char job, int m, int n, double* a, int lda, double* s, double* u, int ldu, double* vt, int ldvt, double* w, int lw, int* iw, int* info) { scipy_dgesdd_(&job, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, w, &lw, iw, info, 1); }
inline void syevd(char job, char uplo, int n, float* a, int lda, float* e, float* w, int lw, int* iw, int liw, int* info) { scipy_ssyevd_(&job, &uplo, &n, a, &lda, e, w, &lw, iw, &liw, info, 1, 1); }
inline void syevd(char job, char uplo, int n, double* a, int lda, double* e, double* w, int lw, int* iw, int liw, int* info) { scipy_dsyevd_(&job, &uplo, &n, a, &lda, e, w, &lw, iw, &liw, info, 1, 1); }
inline void gelsd(int m, int n, int k, float* a, int lda, float* b, int ldb, float* s, float rcond, int* rank, float* w, int lw, int* iw, int* info) { scipy_sgelsd_(&m, &n, &k, a, &lda, b, &ldb, s, &rcond, rank, w, &lw, iw, info); }
inline void gelsd(int m, int n, int k, double* a, int lda, double* b, int ldb, double* s, double rcond, int* rank, double* w, int lw, int* iw, int* info) { scipy_dgelsd_(&m, &n, &k, a, &lda, b, &ldb, s, &rcond, rank, w, &lw, iw, info); }
// C[m,n] = A[m,k] @ B[k,n], column-major, no transposes
inline void dgemm(int m, int n, int k, const double* a, const double* b, double* c) { const double one = 1.0, zero = 0.0; const char t = 'N'; scipy_dgemm_(&t, &t, &m, &n, &k, &one, a, &m, b, &k, &zero, c, &m, 1, 1); }
// clang-format on

// While it lives, OpenBLAS's own thread pool runs `threads` threads (1 inside OpenMP regions,
// where its pool must not be woken); the previous count is restored after.
class PoolScope {
 public:
  explicit PoolScope(int threads) : saved_(scipy_openblas_get_num_threads()), want_(threads) {
    if (saved_ != want_) scipy_openblas_set_num_threads(want_);
  }
  ~PoolScope() {
    if (saved_ != want_) scipy_openblas_set_num_threads(saved_);
  }
  PoolScope(const PoolScope&) = delete;
  PoolScope& operator=(const PoolScope&) = delete;

 private:
  int saved_, want_;
};

}  // namespace lapack
}  // namespace tfl
